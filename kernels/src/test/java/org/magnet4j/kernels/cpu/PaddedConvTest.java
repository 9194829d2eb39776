package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.tensor.Conv2dParams;

/**
 * The padded-image convolution (GEMM over extended columns, blocks scattered to the output with the epilogue)
 * against the explicit path (im2col matrix, the same GEMM, then the separate epilogue pass): every output bit
 * equal, with and without bias, residual and ReLU, over kernel shapes, padding, dilation, K deeper than one
 * GEMM slice, row counts that are not multiples of the register tile and outputs wider than a GEMM panel.
 * At stride 1 the GEMM reads B in place from the padded copy: from 7 output channels on with the 12-row kernel over
 * packed A (7 to 11 zero-padded to 12), up to 6 with the few-row kernels. At other strides it reads B in place up to
 * {@link Gemm#IN_PLACE_MAX_M} channels and packs it above. Cases cover each path (seven rows: a zero-padded 12-row
 * group at stride 1, the 6-row and single-row kernels of the few-row path at stride 2; one and five rows at stride 1:
 * the few-row path; 13 rows: a 12-row group and a short one).
 */
class PaddedConvTest {
    @ParameterizedTest(name = "c={0} h={1} w={2} k={3}x{4} stride={13},{14} pad={5},{6} dil={7},{8} out={9} bias={10} res={11} relu={12}")
    @CsvSource({
        "3, 9, 16, 3, 3, 1, 1, 1, 1, 7, true, false, true, 1, 1",
        "64, 33, 45, 3, 3, 1, 1, 1, 1, 20, true, true, true, 1, 1",     // K = 576: three GEMM slices
        "18, 32, 64, 3, 3, 1, 1, 1, 1, 18, false, true, true, 1, 1",    // HRNet's first branch, 2048 extended columns
        "4, 21, 30, 3, 3, 2, 2, 2, 2, 6, true, false, false, 1, 1",     // dilation 2
        "2, 20, 40, 5, 5, 2, 2, 1, 1, 13, false, false, false, 1, 1",
        "2, 6, 40, 3, 5, 0, 2, 1, 1, 5, true, true, false, 1, 1",       // rectangular kernel, no vertical padding
        "5, 12, 30, 3, 3, 0, 0, 1, 1, 9, true, false, true, 1, 1",      // no padding: 2 throw-away columns per row
        "3, 40, 17, 1, 3, 0, 1, 1, 1, 1, true, true, true, 1, 1",       // one output channel
        "256, 14, 14, 3, 3, 1, 1, 1, 1, 7, true, true, true, 1, 1",     // K = 2304 over a narrow image
        "3, 9, 16, 3, 3, 1, 1, 1, 1, 7, true, false, true, 2, 2",          // stride 2: four phase planes
        "64, 33, 45, 3, 3, 1, 1, 1, 1, 20, true, true, true, 2, 2",        // odd sizes, three GEMM slices
        "3, 40, 60, 7, 7, 3, 3, 1, 1, 8, true, false, true, 2, 2",         // ResNet's stem
        "16, 31, 32, 1, 1, 0, 0, 1, 1, 12, false, true, false, 2, 2",      // a strided 1x1: one phase read
        "4, 21, 30, 3, 3, 2, 2, 2, 2, 6, true, false, false, 2, 2",        // dilation 2 at stride 2
        "5, 17, 40, 3, 5, 1, 2, 1, 1, 9, true, true, true, 3, 2",          // unequal strides
        "18, 32, 64, 3, 3, 1, 1, 1, 1, 36, true, true, true, 1, 1",       // 36 rows at stride 1: in place, 12-row kernel
        "64, 33, 45, 3, 3, 1, 1, 1, 1, 40, false, true, true, 1, 1",      // 40 rows in place: a short last group, three slices
        "40, 19, 70, 3, 3, 1, 1, 1, 1, 31, true, false, true, 1, 1",      // 31 rows in place: a zero-padded last group
        "40, 19, 70, 3, 3, 1, 1, 1, 1, 31, true, false, true, 2, 2",      // 31 rows, K = 360, packed, stride 2
        "7, 15, 50, 3, 3, 1, 1, 1, 1, 13, false, false, true, 1, 1",      // 13 rows in place: a short last group
        "7, 15, 50, 3, 3, 1, 1, 1, 1, 13, false, false, true, 2, 1"       // 13 rows in place at stride 2: a lone last row
    })
    void matchesExplicitPathBitForBit(int c, int h, int w, int kH, int kW, int pH, int pW, int dH, int dW, int out,
                                      boolean withBias, boolean withResidual, boolean relu, int sH, int sW) {
        Conv2dParams p = new Conv2dParams(sH, sW, pH, pW, dH, dW, 1);
        assertTrue(PaddedConv.suits(w, kW, p), "case must take the padded path");
        SplittableRandom rng = new SplittableRandom(c * 31L + h * 7L + w);
        int xOff = 5, outOff = 3, resOff = 11, bOff = 2, k = c * kH * kW, l = p.outH(h, kH) * p.outW(w, kW);
        float[] x = gaussian(rng, xOff + c * h * w), weight = gaussian(rng, out * k);
        float[] bias = withBias ? gaussian(rng, bOff + out) : null, res = withResidual ? gaussian(rng, resOff + out * l) : null;

        float[] col = new float[k * l], want = new float[out * l];
        Im2col.im2col(x, xOff, c, h, w, kH, kW, p, col, 0);
        Gemm.sgemm(out, l, k, weight, 0, k, col, 0, l, want, 0, l, false);
        ConvEpilogue.apply(want, 0, out, l, out, bias, bOff, res == null ? null : new ConvEpilogue.Residual(res, resOff), relu);

        float[] got = new float[outOff + out * l];
        java.util.Arrays.fill(got, Float.NaN); // every output element must be written
        float[] stale = gaussian(rng, PaddedConv.paddedSize(c, h, w, kH, kW, p) + 7); // scratch holds leftovers
        PaddedConv pc = PaddedConv.of(x, xOff, c, h, w, kH, kW, p, stale);
        Gemm.sgemm(out, pc.columns(), k, weight, 0, k, pc, pc.scatter(got, outOff, withBias || withResidual || relu ? new GemmEpilogue(bias, bOff, res, resOff - outOff, relu) : null));
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[outOff + i]), "output element " + i);
    }

    @Test
    void onlyWhenFewColumnsAreThrownAway() {
        assertTrue(PaddedConv.suits(14, 3, Conv2dParams.of(1, 1, 1, 1)));   // 2 of 16 columns thrown away
        assertFalse(PaddedConv.suits(13, 3, Conv2dParams.of(1, 1, 1, 1)));  // 2 of 15: above one in eight
        assertTrue(PaddedConv.suits(64, 3, Conv2dParams.of(2, 1, 1, 1)));   // stride 2: 1 of 33
        assertFalse(PaddedConv.suits(11, 3, Conv2dParams.of(2, 1, 1, 1)));  // 1 of 7
        assertFalse(PaddedConv.suits(64, 3, new Conv2dParams(1, 1, 1, 1, 10, 10, 1))); // 20 of 66 thrown away
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
