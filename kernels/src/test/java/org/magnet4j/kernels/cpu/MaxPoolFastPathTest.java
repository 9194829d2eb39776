package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/** The float32 max-pool loop against the general (float64) one: same values, same argmax, NaN and ties included. */
class MaxPoolFastPathTest {
    private static final CpuBackend CPU = new CpuBackend();

    @Test
    void float32PathMatchesTheGeneralLoop() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 2 * 3 * 13 * 11;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(40);
            v[i] = r == 0 ? Float.NaN : r == 1 ? Float.NEGATIVE_INFINITY : rng.nextInt(-4, 5); // many ties
        }
        Tensor x = Tensor.fromArray(v, 2, 3, 13, 11);
        Pool2dParams[] ps = {Pool2dParams.of(3, 2, 1), Pool2dParams.of(2, 2, 0), new Pool2dParams(3, 2, 2, 1, 1, 0, true, true),
            Pool2dParams.of(1, 1, 0)};
        for (Pool2dParams p : ps) {
            Tensor[] f32 = CPU.maxPool2d(x, p), f64 = CPU.maxPool2d(x.to(DType.FLOAT64), p);
            double[] want = f64[0].toDoubleArray();
            float[] got = f32[0].toFloatArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) assertEquals((float) want[i], got[i], 0, p + " value " + i);
            assertArrayEquals(f64[1].toLongArray(), f32[1].toLongArray(), p + " indices");
        }
    }

    @Test
    void firstNanWinsAndEndsTheWindow() {
        Tensor x = Tensor.fromArray(new float[] {1, Float.NaN, 5, Float.NaN}, 1, 1, 2, 2);
        Tensor[] r = CPU.maxPool2d(x, Pool2dParams.of(2, 2, 0));
        assertEquals(Float.NaN, r[0].toFloatArray()[0], 0);
        assertArrayEquals(new long[] {1}, r[1].toLongArray());
        Tensor y = Tensor.fromArray(new float[] {3, 7, 7, 2}, 1, 1, 2, 2);
        Tensor[] q = CPU.maxPool2d(y, Pool2dParams.of(2, 2, 0));
        assertArrayEquals(new float[] {7}, q[0].toFloatArray());
        assertArrayEquals(new long[] {1}, q[1].toLongArray()); // the first of tied maxima
    }
}
