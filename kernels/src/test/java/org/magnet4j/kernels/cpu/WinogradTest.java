package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * Winograd F(2x2, 3x3) convolutions: taken only for wide 3x3 stride-1 layers, as accurate against float64 as the
 * direct GEMM (within a small factor), and with the fused epilogue giving the bits of the composed ops.
 */
class WinogradTest {
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1, 1, 1);

    @Test
    void takenOnlyForWideStrideOneThreeByThreeLayers() {
        assumeTrue(Winograd3x3.ENABLED, "-Dmagnet.winograd=false turns the path off");
        assertTrue(Winograd3x3.suits(270, 512, 128, 256, 3, 3, SAME), "HRNet-OCR's 3x3 270 -> 512");
        assertFalse(Winograd3x3.suits(64, 64, 128, 256, 3, 3, SAME), "64 channels: the direct GEMM is faster");
        assertFalse(Winograd3x3.suits(270, 512, 128, 256, 3, 3, Conv2dParams.of(2, 1, 1, 1)), "stride 2");
        assertFalse(Winograd3x3.suits(270, 512, 128, 256, 3, 3, new Conv2dParams(1, 1, 2, 2, 2, 2, 1)), "dilation 2");
        assertFalse(Winograd3x3.suits(270, 512, 127, 256, 3, 3, SAME), "odd height");
        assertFalse(Winograd3x3.suits(270, 512, 128, 250, 3, 3, SAME), "width not a whole number of vector-wide tile runs");
        assertFalse(Winograd3x3.suits(270, 512, 128, 256, 1, 1, Conv2dParams.of(1, 0, 1, 1)), "1x1");
    }

    @Test
    void asAccurateAsTheDirectGemmAgainstFloat64() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 2, c = 200, co = 208, h = 16, w = 32;
        assumeTrue(Winograd3x3.ENABLED, "-Dmagnet.winograd=false turns the path off");
        assertTrue(Winograd3x3.suits(c, co, h, w, 3, 3, SAME));
        Tensor x = Tensor.randn(rng, n, c, h, w), wt = Tensor.randn(rng, co, c, 3, 3).mul(1 / Math.sqrt(9.0 * c)), b = Tensor.randn(rng, co);
        try (var g = GradMode.noGrad()) {
            float[] wino = x.conv2d(wt, b, SAME).toFloatArray();
            double[] ref = x.to(DType.FLOAT64).conv2d(wt.to(DType.FLOAT64), b.to(DType.FLOAT64), SAME).toDoubleArray();
            // the direct float32 path on the same data, as the yardstick: the padded-image GEMM plus the bias
            float[] xa = x.toFloatArray(), wa = wt.toFloatArray(), ba = b.toFloatArray(), direct = new float[n * co * h * w];
            for (int img = 0; img < n; img++) {
                PaddedConv pc = PaddedConv.of(xa, img * c * h * w, c, h, w, 3, 3, SAME, new float[PaddedConv.paddedSize(c, h, w, 3, 3, SAME)]);
                Gemm.sgemm(co, pc.columns(), c * 9, wa, 0, c * 9, pc, pc.scatter(direct, img * co * h * w, new GemmEpilogue(ba, 0, null, 0, false)));
            }
            double[] eW = errors(wino, ref), eD = errors(direct, ref);
            System.out.printf("winograd 3x3 %d -> %d at %dx%d vs float64: max-abs %.3g, rel-L2 %.3g; direct GEMM: max-abs %.3g, rel-L2 %.3g%n",
                    c, co, h, w, eW[0], eW[1], eD[0], eD[1]);
            assertTrue(eW[0] <= 3 * eD[0] && eW[1] <= 3 * eD[1], "winograd error " + eW[0] + " / " + eW[1] + " vs direct " + eD[0] + " / " + eD[1]);
            assertTrue(eW[0] < 2e-5 && eW[1] < 2e-6, "winograd error " + eW[0] + " / " + eW[1]);
        }
    }

    @Test
    void fusedEpilogueGivesTheBitsOfTheComposedOps() {
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = Tensor.randn(rng, 1, 192, 8, 32), wt = Tensor.randn(rng, 256, 192, 3, 3).mul(0.02), b = Tensor.randn(rng, 256);
        try (var g = GradMode.noGrad()) {
            Tensor plain = x.conv2d(wt, b, SAME), res = Tensor.randn(rng, plain.shape());
            float[] want = plain.add(res).relu().toFloatArray(), got = x.conv2dFused(wt, b, res, true, SAME).toFloatArray();
            for (int i = 0; i < want.length; i++) assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "at " + i);
        }
    }

    /** max-abs and relative-L2 error of got against want. */
    private static double[] errors(float[] got, double[] want) {
        double max = 0, num = 0, den = 0;
        for (int i = 0; i < want.length; i++) {
            double e = got[i] - want[i];
            max = Math.max(max, Math.abs(e));
            num += e * e;
            den += want[i] * want[i];
        }
        return new double[] {max, Math.sqrt(num / den)};
    }
}
