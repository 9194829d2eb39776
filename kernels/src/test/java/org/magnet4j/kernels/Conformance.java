package org.magnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;

/**
 * Runs one op through the Tensor API on the CPU backend (the reference) and on another backend from the same inputs, and
 * compares every output and, with backward on, the gradient of sum(out * g) for a fixed random g with respect to
 * every floating input. Floating outputs must agree within max-abs <= ABS * max(1, max|ref|) and relative L2 <=
 * REL_L2 (float32: 1e-4 / 1e-5; float64: 1e-9 / 1e-11); integer and bool outputs, and all outputs of an op marked
 * exact, must be identical. The worst errors per op are kept for the summary.
 */
public final class Conformance {
    private final Device device;
    private final String label;
    private final Map<String, double[]> worst = new TreeMap<>(); // op -> {max-abs, rel-L2, bound max-abs, bound rel-L2}

    /** @param label the backend's name in the summary, e.g. "OpenCL" */
    public Conformance(Device device, String label) {
        this.device = device;
        this.label = label;
    }

    public Device device() { return device; }

    static double absBound(DType t) { return t == DType.FLOAT64 ? 1e-9 : 1e-4; }

    static double relBound(DType t) { return t == DType.FLOAT64 ? 1e-11 : 1e-5; }

    /** Outputs of f: a Tensor or a Tensor[]. */
    static Tensor[] outputs(Object o) { return o instanceof Tensor t ? new Tensor[] {t} : (Tensor[]) o; }

    public void check(String op, Function<List<Tensor>, Object> f, boolean backward, boolean exact, Tensor... inputs) {
        Result cpu = run(f, backward, inputs, Device.CPU);
        Result cl = run(f, backward, inputs, device);
        assertEquals(cpu.outs.size(), cl.outs.size(), op + ": number of outputs");
        for (int i = 0; i < cpu.outs.size(); i++) compare(op + " out" + i, cpu.outs.get(i), cl.outs.get(i), exact);
        for (int i = 0; i < cpu.grads.size(); i++) {
            if (cpu.grads.get(i) == null) continue;
            compare(op + " grad" + i, cpu.grads.get(i), cl.grads.get(i), false);
        }
    }

    private record Result(List<Tensor> outs, List<Tensor> grads) {}

    private static Result run(Function<List<Tensor>, Object> f, boolean backward, Tensor[] inputs, Device d) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) {
            Tensor l = t.to(d).detach();
            if (backward && t.dtype().isComputeFloat()) l.requiresGrad(true);
            leaves.add(l);
        }
        Tensor[] outs = outputs(f.apply(leaves));
        List<Tensor> grads = new ArrayList<>();
        if (backward) {
            Tensor loss = null;
            int k = 0;
            for (Tensor o : outs) {
                k++;
                if (!o.requiresGrad()) continue;
                Tensor g = Tensor.randn(new SplittableRandom(1234 + k), o.shape()).to(o.dtype()).to(d);
                Tensor term = o.mul(g).sum();
                loss = loss == null ? term : loss.add(term);
            }
            if (loss != null) loss.backward();
            for (Tensor l : leaves) grads.add(l.requiresGrad() ? l.grad() : null);
        }
        List<Tensor> o = new ArrayList<>();
        for (Tensor t : outs) {
            assertEquals(d, t.device(), "output device");
            o.add(t.detach());
        }
        for (int i = 0; i < grads.size(); i++) if (grads.get(i) != null) assertEquals(d, grads.get(i).device(), "gradient device");
        return new Result(o, grads);
    }

    void compare(String what, Tensor ref, Tensor got, boolean exact) {
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        assertEquals(ref.dtype(), got.dtype(), what + ": dtype");
        DType t = ref.dtype();
        if (!t.isFloating() || exact) {
            if (t == DType.INT64) assertArrayEquals(ref.toLongArray(), got.toLongArray(), what + ": values");
            else assertArrayEquals(ref.toDoubleArray(), got.toDoubleArray(), what + ": values");
            record(what, 0, 0, 0, 0);
            return;
        }
        double[] r = ref.toDoubleArray(), g = got.toDoubleArray();
        double maxAbs = 0, num = 0, den = 0, scale = 1;
        for (int i = 0; i < r.length; i++) {
            if (Double.isNaN(r[i]) || Double.isNaN(g[i])) {
                assertTrue(Double.isNaN(r[i]) && Double.isNaN(g[i]), what + ": NaN mismatch at " + i + ": " + r[i] + " vs " + g[i]);
                continue;
            }
            if (Double.isInfinite(r[i]) || Double.isInfinite(g[i])) {
                assertEquals(r[i], g[i], what + ": at " + i);
                continue;
            }
            double e = Math.abs(r[i] - g[i]);
            maxAbs = Math.max(maxAbs, e);
            scale = Math.max(scale, Math.abs(r[i]));
            num += e * e;
            den += r[i] * r[i];
        }
        double rel = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
        DType bt = t == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        double absB = absBound(bt) * scale, relB = relBound(bt);
        record(what, maxAbs / scale, rel, absBound(bt), relB);
        assertTrue(maxAbs <= absB, what + ": max-abs error " + maxAbs + " > " + absB);
        assertTrue(rel <= relB, what + ": relative L2 error " + rel + " > " + relB);
    }

    private synchronized void record(String what, double abs, double rel, double absB, double relB) {
        String op = what.replaceAll(" (out|grad)\\d+$", "");
        double[] w = worst.computeIfAbsent(op, k -> new double[4]);
        w[0] = Math.max(w[0], abs);
        w[1] = Math.max(w[1], rel);
        w[2] = absB;
        w[3] = relB;
    }

    public String summary() {
        StringBuilder sb = new StringBuilder(label + " conformance (worst per op: scaled max-abs, rel-L2; 0 = identical):\n");
        worst.forEach((k, v) -> sb.append(String.format("  %-44s %9.2e %9.2e%n", k, v[0], v[1])));
        return sb.toString();
    }
}
