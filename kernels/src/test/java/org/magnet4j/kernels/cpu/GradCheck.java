package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * Finite-difference gradient check in float64: central differences with eps 1e-6, relative error
 * |analytic - numeric| / max(|analytic| + |numeric|, 1e-8) must stay within 1e-5 for every element
 * (DL4J's rule). The output is reduced as sum(out * g) with a fixed random g so every output element counts.
 */
final class GradCheck {
    static final double EPS = 1e-6, TOL = 1e-5;

    private GradCheck() {}

    /** Checks d sum(f(inputs) * g) / d input for every input whose index is in checked. */
    static double check(String name, Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        List<Tensor> leaves = inputs.stream().map(t -> t.to(DType.FLOAT64).clone().detach().requiresGrad(true)).toList();
        Tensor out = f.apply(leaves);
        Tensor g = Tensor.randn(new SplittableRandom(99), out.shape()).to(DType.FLOAT64);
        out.mul(g).sum().backward();
        double worst = 0;
        for (int i = 0; i < leaves.size(); i++) {
            Tensor leaf = leaves.get(i);
            double[] analytic = leaf.grad() == null ? new double[leaf.numel()] : leaf.grad().toDoubleArray();
            double[] base = leaf.toDoubleArray();
            for (int j = 0; j < base.length; j++) {
                double numeric = (value(f, leaves, i, base, j, EPS, g) - value(f, leaves, i, base, j, -EPS, g)) / (2 * EPS);
                double err = Math.abs(analytic[j] - numeric) / Math.max(Math.abs(analytic[j]) + Math.abs(numeric), 1e-8);
                worst = Math.max(worst, err);
                assertTrue(err <= TOL, name + ": input " + i + " element " + j + " analytic " + analytic[j] + " numeric " + numeric + " (relative error " + err + ")");
            }
        }
        return worst;
    }

    private static double value(Function<List<Tensor>, Tensor> f, List<Tensor> leaves, int i, double[] base, int j, double delta, Tensor g) {
        try (var s = GradMode.noGrad()) {
            double[] moved = base.clone();
            moved[j] += delta;
            Tensor[] args = leaves.toArray(new Tensor[0]);
            args[i] = Tensor.fromArray(moved, leaves.get(i).shape());
            return f.apply(List.of(args)).mul(g).sum().item();
        }
    }
}
