package org.magnet4j.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.magnet4j.nn.Parameter;
import org.magnet4j.nn.StateDictException;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;

/**
 * torch.optim.SGD with PyTorch's update order, per parameter with a gradient g:
 * <pre>
 *   g = g + weight_decay * p
 *   buf = g (first step) | momentum * buf + (1 - dampening) * g
 *   g = nesterov ? g + momentum * buf : buf          (when momentum != 0)
 *   p = p - lr * g
 * </pre>
 * Computed in the parameter's dtype. Momentum buffers are the only per-parameter state.
 */
public class SGD implements Optimizer {
    private final List<Parameter> params;
    private final Tensor[] momentumBuffers;
    private double lr;
    private final double initialLr;
    public final double momentum, dampening, weightDecay;
    public final boolean nesterov;

    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay, double dampening, boolean nesterov) {
        if (!(lr >= 0)) throw new IllegalArgumentException("SGD: invalid learning rate " + lr);
        if (!(momentum >= 0)) throw new IllegalArgumentException("SGD: invalid momentum " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD: invalid weight decay " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalArgumentException("SGD: nesterov momentum needs a momentum and zero dampening");
        if (params.isEmpty()) throw new IllegalArgumentException("SGD: got an empty parameter list");
        for (Parameter p : params)
            if (!p.trainable()) throw new IllegalArgumentException("SGD: a buffer is not a trainable parameter: " + p.value().describe());
        this.params = List.copyOf(params);
        this.momentumBuffers = new Tensor[params.size()];
        this.lr = lr;
        this.initialLr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, weightDecay, 0, false);
    }

    public List<Parameter> params() { return params; }

    @Override public double lr() { return lr; }

    @Override public void setLr(double lr) { this.lr = lr; }

    @Override public double initialLr() { return initialLr; }

    /** The momentum buffer of parameter i, or null before its first update. */
    public Tensor momentumBuffer(int i) { return momentumBuffers[i]; }

    @Override public void step() {
        try (var g = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                Tensor grad = p.grad();
                if (grad == null) continue;
                Tensor value = p.value().detach();
                Tensor d = grad.to(value.dtype());
                if (weightDecay != 0) d = d.add(value.mul(weightDecay));
                if (momentum != 0) {
                    Tensor buf = momentumBuffers[i];
                    buf = buf == null ? d.clone() : buf.mul(momentum).add(dampening == 0 ? d : d.mul(1 - dampening));
                    momentumBuffers[i] = buf;
                    d = nesterov ? d.add(buf.mul(momentum)) : buf;
                }
                p.set(value.sub(d.mul(lr)));
            }
        }
    }

    @Override public void zeroGrad() {
        for (Parameter p : params) p.zeroGrad();
    }

    private static final String GROUP = "param_groups.0.";

    @Override public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < momentumBuffers.length; i++)
            if (momentumBuffers[i] != null) out.put("state." + i + ".momentum_buffer", momentumBuffers[i]);
        out.put(GROUP + "lr", scalar(lr));
        out.put(GROUP + "momentum", scalar(momentum));
        out.put(GROUP + "dampening", scalar(dampening));
        out.put(GROUP + "weight_decay", scalar(weightDecay));
        out.put(GROUP + "nesterov", Tensor.fromArray(new byte[] {(byte) (nesterov ? 1 : 0)}, DType.BOOL).reshape());
        out.put(GROUP + "initial_lr", scalar(initialLr));
        long[] ids = new long[params.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        out.put(GROUP + "params", Tensor.fromArray(ids, ids.length));
        return out;
    }

    /**
     * Restores momentum buffers and the learning rate. The parameter count and each buffer's shape must match;
     * momentum, dampening, weight decay and nesterov must equal this optimiser's (they are fixed at construction).
     */
    @Override public void loadStateDict(Map<String, Tensor> state) {
        Tensor ids = state.get(GROUP + "params");
        if (ids == null || state.get(GROUP + "lr") == null)
            throw new StateDictException("SGD state dict lacks " + GROUP + "params or " + GROUP + "lr");
        if (ids.numel() != params.size())
            throw new StateDictException("SGD state dict has " + ids.numel() + " parameters, this optimiser has " + params.size());
        checkSame(state, "momentum", momentum);
        checkSame(state, "dampening", dampening);
        checkSame(state, "weight_decay", weightDecay);
        List<String> unknown = new ArrayList<>();
        Tensor[] loaded = new Tensor[params.size()];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(GROUP)) continue;
            String[] parts = k.split("\\.");
            if (parts.length != 3 || !parts[0].equals("state") || !parts[2].equals("momentum_buffer")) {
                unknown.add(k);
                continue;
            }
            int i = Integer.parseInt(parts[1]);
            if (i < 0 || i >= params.size()) throw new StateDictException("SGD state dict: " + k + " names parameter " + i + " of " + params.size());
            Tensor want = params.get(i).value();
            if (!Arrays.equals(want.shape(), e.getValue().shape()))
                throw new StateDictException("SGD state dict: " + k + " has shape " + Shapes.str(e.getValue().shape()) + ", parameter " + i + " has " + Shapes.str(want.shape()));
            loaded[i] = e.getValue().detach().to(want.dtype()).to(want.device()).contiguous();
        }
        if (!unknown.isEmpty()) throw new StateDictException("SGD state dict: unexpected keys " + unknown);
        System.arraycopy(loaded, 0, momentumBuffers, 0, loaded.length);
        lr = state.get(GROUP + "lr").item();
    }

    private void checkSame(Map<String, Tensor> state, String name, double mine) {
        Tensor t = state.get(GROUP + name);
        if (t != null && t.item() != mine)
            throw new StateDictException("SGD state dict has " + name + " " + t.item() + ", this optimiser " + mine);
    }

    private static Tensor scalar(double v) { return Tensor.fromArray(new double[] {v}).reshape(); }
}
