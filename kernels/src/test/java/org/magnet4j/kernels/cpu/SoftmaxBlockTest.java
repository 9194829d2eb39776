package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.tensor.Tensor;

/**
 * The float32 softmax reads lines along the softmax dim in blocks of positions and computes each exp once.
 * Its numbers must be the per-line formula's, bit for bit (PyTorch parity is checked by the nn parity cases;
 * this pins that the blocking, and the Vector API's exp on eight positions at a time where the reference calls
 * Math.exp, changed no float result): float max, exp(float x - max) summed in double in order,
 * out = (float) (exp * (1 / sum)), log: (float) (x - max - log(sum)). Shapes cover inner = 1 (last dim), inner
 * below, at and above the block width and not a multiple of it, several outer slices, and lines with -inf,
 * +inf and NaN.
 */
class SoftmaxBlockTest {
    @ParameterizedTest(name = "[{0}, {1}, {2}] over dim 1, log {3}")
    @CsvSource({
            "3, 19, 1, false", "3, 19, 1, true", "2, 19, 63, false", "1, 5, 64, true",
            "2, 7, 65, false", "1, 19, 200, true", "1, 19, 4099, false", "4, 1, 130, false", "2, 300, 17, true"})
    void blockedSoftmaxEqualsThePerLineFormulaBitForBit(int outer, int len, int inner, boolean log) {
        SplittableRandom rng = new SplittableRandom(outer * 1000L + len * 10L + inner);
        float[] x = new float[outer * len * inner];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 6);
        if (inner > 3) { // special lines: position 1 holds a -inf, position 2 a NaN, position 3 a +inf
            x[1] = Float.NEGATIVE_INFINITY;
            x[2 + inner * (len - 1)] = Float.NaN;
            x[3] = Float.POSITIVE_INFINITY;
        }
        Tensor t = Tensor.fromArray(x, outer, len, inner);
        float[] got = (log ? t.logSoftmax(1) : t.softmax(1)).toFloatArray();
        float[] want = perLine(x, outer, len, inner, log);
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    "element " + i + ": " + want[i] + " expected, " + got[i] + " computed");
    }

    /** The reference: one line at a time, the arithmetic the blocked kernel must reproduce. */
    private static float[] perLine(float[] x, int outer, int len, int inner, boolean log) {
        float[] out = new float[x.length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int off = o * len * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) m = Math.max(m, x[off + k * inner]);
                double s = 0;
                for (int k = 0; k < len; k++) s += Math.exp(x[off + k * inner] - m);
                for (int k = 0; k < len; k++) {
                    int at = off + k * inner;
                    out[at] = log ? (float) (x[at] - m - Math.log(s)) : (float) (Math.exp(x[at] - m) * (1.0 / s));
                }
            }
        return out;
    }
}
