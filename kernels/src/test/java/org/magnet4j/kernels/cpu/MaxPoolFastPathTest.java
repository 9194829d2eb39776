package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/**
 * The float32 max-pool loop against the general (float64) one: same values, same argmax, NaN and ties included;
 * and the values-only (inference) kernel against the float32 loop, bit for bit.
 */
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

    @Test
    void valuesOnlyKernelMatchesBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        int h = 19, w = 3 * 16 + 7; // wide enough for several vectors of output columns per row
        float[] v = new float[2 * h * w];
        for (int i = 0; i < v.length; i++) {
            int r = rng.nextInt(60);
            v[i] = switch (r) {
                case 0 -> Float.NaN;
                case 1 -> Float.intBitsToFloat(0x7fc00123); // a NaN with another payload: the first NaN must win
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -0f;
                case 4 -> 0f;
                default -> rng.nextInt(-3, 4); // many ties
            };
        }
        Tensor x = Tensor.fromArray(v, 1, 2, h, w);
        Pool2dParams[] ps = {Pool2dParams.of(3, 2, 1), Pool2dParams.of(3, 1, 1), Pool2dParams.of(2, 2, 0), Pool2dParams.of(5, 3, 2),
            new Pool2dParams(3, 2, 2, 1, 1, 0, true, true), new Pool2dParams(3, 3, 2, 2, 0, 0, true, true), Pool2dParams.of(1, 1, 0)};
        for (Pool2dParams p : ps) {
            float[] want = CPU.maxPool2d(x, p)[0].toFloatArray(), got = CPU.maxPool2dValues(x, p).toFloatArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++)
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), p + " element " + i);
        }
    }
}
