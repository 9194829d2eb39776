package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.tensor.Conv2dParams;

/**
 * The implicit-GEMM convolution (im2col rows packed on the fly) against the explicit one (the im2col
 * matrix, then the same GEMM): every output bit equal, over padding, stride, dilation and ragged sizes.
 */
class Im2colPanelsTest {
    @ParameterizedTest(name = "c={0} h={1} w={2} k={3}x{4} stride={5},{6} pad={7},{8} dil={9},{10} out={11}")
    @CsvSource({
        "3, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 7",
        "5, 17, 13, 3, 3, 2, 2, 1, 1, 1, 1, 8",
        "2, 20, 31, 7, 7, 2, 2, 3, 3, 1, 1, 13",
        "4, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2, 6",
        "3, 10, 9, 1, 1, 2, 2, 0, 0, 1, 1, 19",
        "2, 6, 40, 3, 5, 1, 3, 0, 4, 1, 2, 5",
        "1, 4, 4, 5, 5, 1, 1, 3, 3, 1, 1, 3",
        "64, 33, 45, 3, 3, 1, 1, 1, 1, 1, 1, 20"
    })
    void matchesExplicitIm2colBitForBit(int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, int out) {
        Conv2dParams p = new Conv2dParams(sH, sW, pH, pW, dH, dW, 1);
        SplittableRandom rng = new SplittableRandom(c * 31L + h * 7L + w);
        int xOff = 5, k = c * kH * kW, l = p.outH(h, kH) * p.outW(w, kW);
        float[] x = new float[xOff + c * h * w], weight = new float[out * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < weight.length; i++) weight[i] = (float) rng.nextGaussian();
        float[] col = new float[k * l], want = new float[out * l], got = new float[out * l];
        Im2col.im2col(x, xOff, c, h, w, kH, kW, p, col, 0);
        Gemm.sgemm(out, l, k, weight, 0, k, col, 0, l, want, 0, l, false);
        Gemm.sgemm(out, l, k, weight, 0, k, new Im2colPanels(x, xOff, h, w, kH, kW, p), got, 0, l, false);
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "output element " + i);
    }
}
