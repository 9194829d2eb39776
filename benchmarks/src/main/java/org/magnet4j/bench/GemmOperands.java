package org.magnet4j.bench;

import java.util.SplittableRandom;

/**
 * A benchmark product's operands from its "MxNxK" name: A (M x K) and B (K x N) row-major with Gaussian values from a
 * fixed seed, so every GEMM benchmark multiplies the same matrices, and C (M x N) to write into.
 */
public record GemmOperands(int m, int n, int k, float[] a, float[] b, float[] c) {
    public static GemmOperands of(String shape) {
        String[] p = shape.split("x");
        if (p.length != 3) throw new IllegalArgumentException("shape must be MxNxK, got " + shape);
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        return new GemmOperands(m, n, k, a, b, new float[m * n]);
    }
}
