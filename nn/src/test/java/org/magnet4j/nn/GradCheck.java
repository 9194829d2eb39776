package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * Float64 central-difference gradient check of L = sum(out * R) for a fixed random R: every element of every
 * leaf, eps 1e-6, relative error |a - n| / max(|a| + |n|, 1e-8) <= 1e-5.
 */
final class GradCheck {
    static final double EPS = 1e-6, TOL = 1e-5;

    /** Something the forward reads whose gradient we check: a tensor we own or a module parameter. */
    interface Leaf {
        String name();

        Tensor value();

        void set(Tensor v);
    }

    /** A float64 input tensor held here; the forward must read it through {@link #value()}. */
    static final class Input implements Leaf {
        private final String name;
        private Tensor value;

        Input(String name, Tensor v) {
            this.name = name;
            set(v);
        }

        @Override public String name() { return name; }

        @Override public Tensor value() { return value; }

        @Override public void set(Tensor v) { value = v.detach().requiresGrad(true); }
    }

    /** A module parameter (set() gives it a fresh leaf). */
    static Leaf of(String name, Parameter p) {
        return new Leaf() {
            @Override public String name() { return name; }

            @Override public Tensor value() { return p.value(); }

            @Override public void set(Tensor v) { p.set(v); }
        };
    }

    private GradCheck() {}

    /** Runs the check; returns the worst relative error and prints it. */
    static double check(String what, Supplier<Tensor> forward, List<Leaf> leaves, long seed) {
        Tensor out0 = forward.get();
        double[] r = new double[out0.numel()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < r.length; i++) r[i] = rng.nextDouble() * 2 - 1;
        Tensor rt = Tensor.fromArray(r, out0.shape());
        for (Leaf l : leaves) l.set(l.value());
        Tensor out = forward.get();
        out.mul(rt).sum().backward();
        double worst = 0;
        int checked = 0;
        for (Leaf l : leaves) {
            Tensor base = l.value();
            double[] analytic = base.grad() == null ? new double[base.numel()] : base.grad().toDoubleArray();
            double[] v = base.toDoubleArray();
            int[] shape = base.shape();
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + EPS;
                double lp = loss(forward, l, v, shape, r);
                v[i] = keep - EPS;
                double lm = loss(forward, l, v, shape, r);
                v[i] = keep;
                double numeric = (lp - lm) / (2 * EPS);
                double a = analytic[i];
                double rel = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-8);
                worst = Math.max(worst, rel);
                checked++;
                assertTrue(rel <= TOL, what + ": d/d" + l.name() + "[" + i + "] analytic " + a + " numeric " + numeric + " rel err " + rel);
            }
            l.set(Tensor.fromArray(v, shape));
        }
        System.out.printf("[nn-gradcheck] %-36s %4d elements, worst rel err %.3e%n", what, checked, worst);
        return worst;
    }

    private static double loss(Supplier<Tensor> forward, Leaf l, double[] v, int[] shape, double[] r) {
        l.set(Tensor.fromArray(v.clone(), shape));
        try (var g = GradMode.noGrad()) {
            double[] o = forward.get().toDoubleArray();
            double s = 0, c = 0; // Kahan sum keeps the difference of two nearby losses clean
            for (int i = 0; i < o.length; i++) {
                double y = o[i] * r[i] - c, t = s + y;
                c = (t - s) - y;
                s = t;
            }
            return s;
        }
    }
}
