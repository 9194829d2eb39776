package org.magnet4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;

/**
 * A layer or model: named parameters, buffers and child modules, with PyTorch's state-dict names
 * ({@code layer1.0.conv1.weight}, {@code bn.running_mean}, {@code bn.num_batches_tracked}) in registration
 * order. Single-input modules override {@link #forward(Tensor)}; others define their own forward methods.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single input");
    }

    // ---- registration ---------------------------------------------------------------------------------------
    protected final Parameter parameter(String name, Tensor init) {
        checkName(name);
        Parameter p = new Parameter(init, true);
        parameters.put(name, p);
        return p;
    }

    protected final Parameter buffer(String name, Tensor init) {
        checkName(name);
        Parameter b = new Parameter(init, false);
        buffers.put(name, b);
        return b;
    }

    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad member name '" + name + "'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("member '" + name + "' registered twice in " + getClass().getSimpleName());
    }

    public Map<String, Module> children() { return java.util.Collections.unmodifiableMap(children); }

    // ---- modes ----------------------------------------------------------------------------------------------
    public boolean isTraining() { return training; }

    /** Sets training mode here and in every descendant (dropout, batch-norm statistics). */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public Module eval() { return train(false); }

    // ---- parameters and state -------------------------------------------------------------------------------
    /** Trainable parameters by dotted name, in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Parameters and buffers by dotted name: the keys PyTorch's state_dict() gives for the same model. */
    public Map<String, Parameter> namedState() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, boolean withBuffers) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collect(prefix + k + ".", out, withBuffers));
    }

    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedState().forEach((k, p) -> out.put(k, p.value()));
        return out;
    }

    /** Number of trainable parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.value().numel();
        return n;
    }

    /**
     * Copies values from a state dict (the module never shares storage with the given tensors). Shape
     * mismatches always fail, naming the first mismatched key and both shapes; strict loading also fails on
     * missing or unexpected keys. Nothing is loaded when it fails. Values are converted to each slot's dtype.
     */
    public LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> mine = namedState();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : state.keySet()) if (!mine.containsKey(k)) unexpected.add(k);
        for (Map.Entry<String, Parameter> e : mine.entrySet()) {
            Tensor v = state.get(e.getKey());
            if (v == null) {
                missing.add(e.getKey());
                continue;
            }
            Tensor cur = e.getValue().value();
            if (!Arrays.equals(cur.shape(), v.shape()))
                throw new StateDictException("size mismatch for " + e.getKey() + ": the checkpoint has shape " + Shapes.str(v.shape())
                        + ", the model (" + getClass().getSimpleName() + ") expects " + Shapes.str(cur.shape()));
        }
        LoadReport report = new LoadReport(missing, unexpected);
        if (strict && !report.isClean())
            throw new StateDictException("state dict does not match " + getClass().getSimpleName() + ": " + report);
        try (var g = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : mine.entrySet()) {
                Tensor v = state.get(e.getKey());
                if (v == null) continue;
                Tensor cur = e.getValue().value();
                Tensor c = v.detach().to(cur.dtype()).to(cur.device());
                e.getValue().set(c == v || c.storage() == v.storage() ? c.clone() : c.contiguous()); // never alias the caller's tensor
            }
        }
        return report;
    }

    /** Moves every parameter and buffer to a device. */
    public Module to(Device device) {
        try (var g = GradMode.noGrad()) {
            for (Parameter p : namedState().values()) p.set(p.value().to(device));
        }
        return this;
    }

    /** Converts floating parameters and buffers to a dtype (float64 for checks). */
    public Module to(org.magnet4j.tensor.DType dtype) {
        try (var g = GradMode.noGrad()) {
            for (Parameter p : namedState().values()) if (p.value().dtype().isFloating()) p.set(p.value().to(dtype));
        }
        return this;
    }

    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }
}
