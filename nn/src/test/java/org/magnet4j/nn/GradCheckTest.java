package org.magnet4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.functional.F;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.PReLU;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.nn.loss.CrossEntropy;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Float64 finite-difference checks of the analytic gradients (see {@link GradCheck} for the criterion). */
class GradCheckTest {
    private static Tensor randn64(SplittableRandom rng, double scale, double shift, int... shape) {
        return Tensor.randn(rng, shape).to(DType.FLOAT64).mul(scale).add(shift);
    }

    @Test
    void batchNormTrainGradients() {
        SplittableRandom rng = new SplittableRandom(11);
        var x = new GradCheck.Input("x", randn64(rng, 2, 1, 2, 3, 4, 5));
        var w = new GradCheck.Input("weight", Tensor.rand(rng, 3).to(DType.FLOAT64).add(0.5));
        var b = new GradCheck.Input("bias", randn64(rng, 1, 0, 3));
        GradCheck.check("batch norm (train)", () -> F.batchNormTrain(x.value(), w.value(), b.value(), 1e-5).output(), List.of(x, w, b), 1);
    }

    @Test
    void crossEntropyWithIgnoreGradients() {
        SplittableRandom rng = new SplittableRandom(12);
        long[] lab = new long[2 * 3 * 5];
        for (int i = 0; i < lab.length; i++) lab[i] = i % 7 == 3 ? 255 : rng.nextInt(4);
        Tensor labels = Tensor.fromArray(lab, 2, 3, 5);
        // unit-scale logits: every class keeps a probability well above 1e-3, so each gradient element sits far
        // above the ~1e-10 noise floor of a float64 central difference (a 2e-6 gradient fails 1e-5 on noise alone)
        var logits = new GradCheck.Input("logits", randn64(rng, 1, 0, 2, 4, 3, 5));
        GradCheck.check("cross entropy (ignore 255)", () -> CrossEntropy.crossEntropy(logits.value(), labels, 255), List.of(logits), 2);
    }

    @Test
    void preluGradients() {
        SplittableRandom rng = new SplittableRandom(13);
        double[] xv = randn64(rng, 1, 0, 2, 3, 3, 3).toDoubleArray();
        for (int i = 0; i < xv.length; i++) if (Math.abs(xv[i]) < 1e-3) xv[i] = 0.5; // stay off the kink
        for (int n : new int[] {1, 3}) {
            PReLU prelu = new PReLU(n);
            prelu.to(DType.FLOAT64);
            prelu.loadStateDict(Map.of("weight", randn64(rng, 0.5, 0, n)), true);
            var x = new GradCheck.Input("x", Tensor.fromArray(xv.clone(), 2, 3, 3, 3));
            GradCheck.check("prelu (" + n + " slopes)", () -> prelu.forward(x.value()), List.of(x, GradCheck.of("weight", prelu.namedParameters().get("weight"))), 3);
        }
    }

    @Test
    void moduleLevelConvBatchNormReluGradients() {
        Init.manualSeed(5);
        Sequential net = new Sequential(new Conv2d(2, 3, 3, 1, 1, true), new BatchNorm2d(3), new ReLU());
        net.to(DType.FLOAT64);
        SplittableRandom rng = new SplittableRandom(14);
        // non-trivial affine parameters so every path carries gradient
        net.loadStateDict(Map.of("1.weight", Tensor.rand(rng, 3).to(DType.FLOAT64).add(0.5), "1.bias", randn64(rng, 0.5, 0, 3)), false);
        var x = new GradCheck.Input("x", randn64(rng, 1, 0, 2, 2, 5, 5));
        List<GradCheck.Leaf> leaves = new ArrayList<>();
        leaves.add(x);
        net.namedParameters().forEach((k, p) -> leaves.add(GradCheck.of(k, p)));
        GradCheck.check("conv3x3 + bn + relu module", () -> net.forward(x.value()), leaves, 4);
    }
}
