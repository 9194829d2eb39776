package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * Winograd convolutions: taken only for wide 3x3 stride-1 layers (F(4x4, 3x3) where the width allows, else
 * F(2x2, 3x3)), F(2x2, 3x3) as accurate against float64 as the direct GEMM within a small factor, F(4x4, 3x3)
 * within its measured, larger one, and the fused epilogue giving the bits of the composed ops.
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
        assertEquals(WinogradF4x4.ENABLED, WinogradF4x4.suits(270, 512, 128, 256, 3, 3, SAME), "OCR's layer takes 4x4 tiles: 256 = 4 x 4 x 16");
        assertFalse(WinogradF4x4.suits(256, 256, 32, 32, 3, 3, SAME), "ResNet's 256 -> 256 at 32x32 keeps 2x2 tiles (8 tiles a row)");
        assertTrue(Winograd3x3.suits(256, 256, 32, 32, 3, 3, SAME));
        assertEquals(WinogradF4x4.ENABLED, WinogradF4x4.suits(256, 256, 127, 127, 3, 3, SAME), "the FPN head at 127x127, computed at 128x128");
        assertEquals(WinogradF4x4.ENABLED, WinogradF4x4.suits(270, 512, 130, 256, 3, 3, SAME), "height 130, computed as 132");
        assertFalse(WinogradF4x4.suits(256, 256, 31, 33, 3, 3, SAME), "zero-extended to 32x64: twice the work");
        assertEquals(WinogradF4x4.ENABLED, WinogradF4x4.suits(128, 128, 64, 64, 3, 3, SAME), "ResNet-50's layer2 in the FPN at 508x508");
        assertFalse(WinogradF4x4.suits(64, 64, 128, 256, 3, 3, SAME), "64 channels: the direct GEMM is as fast");
    }

    @Test
    void asAccurateAsTheDirectGemmAgainstFloat64() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 2, c = 200, co = 208, h = 16, w = 32;
        assumeTrue(Winograd3x3.ENABLED, "-Dmagnet.winograd=false turns the path off");
        assertTrue(Winograd3x3.suits(c, co, h, w, 3, 3, SAME));
        double[][] e = errorsAgainstFloat64("winograd 3x3", rng, n, c, co, h, w);
        double[] eW = e[0], eD = e[1];
        assertTrue(eW[0] <= 3 * eD[0] && eW[1] <= 3 * eD[1], "winograd error " + eW[0] + " / " + eW[1] + " vs direct " + eD[0] + " / " + eD[1]);
        assertTrue(eW[0] < 2e-5 && eW[1] < 2e-6, "winograd error " + eW[0] + " / " + eW[1]);
    }

    /** The second case is zero-extended: computed as 16 x 64, the extra row and column dropped. */
    @ParameterizedTest(name = "{2} -> {3} at {4}x{5}")
    @CsvSource({"5, 1, 270, 200, 8, 64", "6, 2, 128, 136, 15, 63"})
    void fourByFourTilesStayWithinTheirMeasuredErrorAgainstFloat64(int seed, int n, int c, int co, int h, int w) {
        SplittableRandom rng = new SplittableRandom(seed);
        assumeTrue(WinogradF4x4.ENABLED, "-Dmagnet.winograd=false or =f2 turns the path off");
        assertTrue(WinogradF4x4.suits(c, co, h, w, 3, 3, SAME));
        double[][] e = errorsAgainstFloat64("winograd F(4x4,3x3)", rng, n, c, co, h, w);
        double[] eW = e[0], eD = e[1];
        // Measured (2026-12-01): max-abs 4.9e-5 and rel-L2 2.2e-6 against 1.9e-6 and 1.9e-7 direct, 26x and 11x
        // (zero-extended: 5.0e-5 and 1.5e-6): the transforms' 4, 5 and 8 amplify rounding (computing G g G^T in
        // float64 changed neither figure).
        assertTrue(eW[0] <= 40 * eD[0] && eW[1] <= 20 * eD[1], "winograd error " + eW[0] + " / " + eW[1] + " vs direct " + eD[0] + " / " + eD[1]);
        assertTrue(eW[0] < 1e-4 && eW[1] < 5e-6, "winograd error " + eW[0] + " / " + eW[1]);
    }

    @Test
    void fusedEpilogueGivesTheBitsOfTheComposedOps() {
        SplittableRandom rng = new SplittableRandom(4);
        assumeTrue(Winograd3x3.ENABLED, "-Dmagnet.winograd=false turns the path off");
        for (int w : new int[] {32, 64, 63}) { // 2x2 tiles at width 32, 4x4 tiles at 64, and at 63 zero-extended
            int h = w == 63 ? 15 : 8;
            assertEquals(w == 32, Winograd3x3.suits(192, 256, h, w, 3, 3, SAME) && !WinogradF4x4.suits(192, 256, h, w, 3, 3, SAME));
            assertEquals(w != 32 && WinogradF4x4.ENABLED, WinogradF4x4.suits(192, 256, h, w, 3, 3, SAME));
            Tensor x = Tensor.randn(rng, 1, 192, h, w), wt = Tensor.randn(rng, 256, 192, 3, 3).mul(0.02), b = Tensor.randn(rng, 256);
            try (var g = GradMode.noGrad()) {
                Tensor plain = x.conv2d(wt, b, SAME), res = Tensor.randn(rng, plain.shape());
                float[] want = plain.add(res).relu().toFloatArray(), got = x.conv2dFused(wt, b, res, true, SAME).toFloatArray();
                for (int i = 0; i < want.length; i++) assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "width " + w + " at " + i);
            }
        }
    }

    /**
     * {max-abs, rel-L2} against float64 of the float32 convolution (whichever path it takes) and of the direct float32
     * GEMM, for a random n x c x h x w image, co x c x 3 x 3 weights scaled to unit output variance and a bias.
     */
    private static double[][] errorsAgainstFloat64(String label, SplittableRandom rng, int n, int c, int co, int h, int w) {
        Tensor x = Tensor.randn(rng, n, c, h, w), wt = Tensor.randn(rng, co, c, 3, 3).mul(1 / Math.sqrt(9.0 * c)), b = Tensor.randn(rng, co);
        try (var g = GradMode.noGrad()) {
            float[] wino = x.conv2d(wt, b, SAME).toFloatArray();
            double[] ref = x.to(DType.FLOAT64).conv2d(wt.to(DType.FLOAT64), b.to(DType.FLOAT64), SAME).toDoubleArray();
            double[] eW = errors(wino, ref), eD = errors(direct(x, wt, b), ref);
            System.out.printf("%s %d -> %d at %dx%d vs float64: max-abs %.3g, rel-L2 %.3g; direct GEMM: max-abs %.3g, rel-L2 %.3g%n",
                    label, c, co, h, w, eW[0], eW[1], eD[0], eD[1]);
            return new double[][] {eW, eD};
        }
    }

    /** The direct float32 path on the same data, as the yardstick: the padded-image GEMM plus the bias. */
    private static float[] direct(Tensor x, Tensor wt, Tensor b) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), co = wt.size(0);
        float[] xa = x.toFloatArray(), wa = wt.toFloatArray(), ba = b.toFloatArray(), out = new float[n * co * h * w];
        for (int img = 0; img < n; img++) {
            PaddedConv pc = PaddedConv.of(xa, img * c * h * w, c, h, w, 3, 3, SAME, new float[PaddedConv.paddedSize(c, h, w, 3, 3, SAME)]);
            Gemm.sgemm(co, pc.columns(), c * 9, wa, 0, c * 9, pc, pc.scatter(out, img * co * h * w, new GemmEpilogue(ba, 0, null, 0, false)));
        }
        return out;
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
