package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.magnet4j.tensor.Tensor;

/** Comparison helpers for reference tests: max-abs error against a tolerance relative to the output scale. */
final class Check {
    private Check() {}

    static int[] shape(long[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = (int) s[i];
        return out;
    }

    static Tensor f32(float[] data, long[] shape) { return Tensor.fromArray(data.clone(), shape(shape)); }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static double maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        double m = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (Double.isNaN(d)) return Double.NaN;
            m = Math.max(m, d);
        }
        return m;
    }

    /** max |expected - actual| <= relTol * max|expected|; prints the measured error. Returns the error. */
    static double close(String what, float[] expected, Tensor actual, double relTol) {
        return close(what, expected, actual.toFloatArray(), relTol);
    }

    static double close(String what, float[] expected, float[] actual, double relTol) {
        double scale = Math.max(maxAbs(expected), Float.MIN_NORMAL);
        double err = maxAbsDiff(expected, actual);
        System.out.printf("[nn-ref] %-40s max-abs err %.3e (scale %.3e, rel %.2e)%n", what, err, scale, err / scale);
        assertTrue(err <= relTol * scale, what + ": max-abs error " + err + " exceeds " + relTol + " x scale " + scale);
        return err;
    }

    static void sameShape(long[] expected, Tensor t) { assertArrayEquals(shape(expected), t.shape()); }
}
