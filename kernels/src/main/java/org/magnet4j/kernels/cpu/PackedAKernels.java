package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s micro-kernels over a {@link PackedA} group: C[h x NR] = A[h x k] x strip[k x NR] for h = 12 (24
 * accumulators, 14 loads per 24 FMAs), and h = 6 or 4 for a short last group, A packed k x h, the strip contiguous
 * (NR floats per step). Sums start from zero and are stored, never added: a branch between storing and adding after
 * the loop made C2 box every accumulator inside the loop (see {@link NineRowGemm}), so a slice that adds to C goes
 * through a tile and {@link Gemm#mergeTile}. Same order of products and sums as every other kernel of Gemm.
 * <p>
 * The packed-strip kernels and their in-place twins differ only in where step p of B starts. The packed ones are
 * kept as copies: running the packed path through the in-place kernels with a table of strip offsets (as
 * {@link NineRowGemm} does for its ragged strip) cost one more load per step and made 1024^3 5-7% slower
 * (7.44-7.51 against 7.02-7.07 ms, alternated JMH, 2026-12-01).
 */
final class PackedAKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int NR = Gemm.NR;

    private PackedAKernels() {}

    /** The kernel for a group stored {@code height} rows high ({@link PackedA#MR}, {@link PackedA#SHORT} or {@link PackedA#TINY}). */
    static void micro(int height, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        if (height == PackedA.MR) micro12(k, a, aOff, b, bOff, c, cOff, ldc);
        else if (height == PackedA.SHORT) micro6(k, a, aOff, b, bOff, c, cOff, ldc);
        else micro4(k, a, aOff, b, bOff, c, cOff, ldc);
    }

    /** {@link #micro} with strip step p read where B lies. */
    static void microInPlace(int height, int k, float[] a, int aOff, float[] b, int[] rowOff, int base, int col, float[] c, int cOff, int ldc) {
        if (height == PackedA.MR) micro12InPlace(k, a, aOff, b, rowOff, base, col, c, cOff, ldc);
        else if (height == PackedA.SHORT) micro6InPlace(k, a, aOff, b, rowOff, base, col, c, cOff, ldc);
        else micro4InPlace(k, a, aOff, b, rowOff, base, col, c, cOff, ldc);
    }

    /**
     * Twelve rows. The 24 stores are written out, not through {@link #store}: with the helper, C2 reached its
     * inlining node cutoff at the last stores, left them as calls, and so boxed every vector of the method (the
     * whole product ran at 53 instead of 310 GFLOP/s). A 10-row kernel fits with the helper and ran the same
     * products within 3% (1024^3, 64 x 32768 x 576, 256 x 32768 x 512: 12 rows slightly ahead).
     */
    static void micro12(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z;
        FloatVector c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
        for (int p = 0, q = aOff, bp = bOff; p < k; p++, q += 12, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[q + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[q + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, a[q + 6]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, a[q + 7]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
            x = FloatVector.broadcast(S, a[q + 8]);
            c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(S, a[q + 9]);
            c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(S, a[q + 10]);
            c100 = b0.fma(x, c100); c101 = b1.fma(x, c101);
            x = FloatVector.broadcast(S, a[q + 11]);
            c110 = b0.fma(x, c110); c111 = b1.fma(x, c111);
        }
        int at = cOff;
        c00.intoArray(c, at); c01.intoArray(c, at + VL); at += ldc;
        c10.intoArray(c, at); c11.intoArray(c, at + VL); at += ldc;
        c20.intoArray(c, at); c21.intoArray(c, at + VL); at += ldc;
        c30.intoArray(c, at); c31.intoArray(c, at + VL); at += ldc;
        c40.intoArray(c, at); c41.intoArray(c, at + VL); at += ldc;
        c50.intoArray(c, at); c51.intoArray(c, at + VL); at += ldc;
        c60.intoArray(c, at); c61.intoArray(c, at + VL); at += ldc;
        c70.intoArray(c, at); c71.intoArray(c, at + VL); at += ldc;
        c80.intoArray(c, at); c81.intoArray(c, at + VL); at += ldc;
        c90.intoArray(c, at); c91.intoArray(c, at + VL); at += ldc;
        c100.intoArray(c, at); c101.intoArray(c, at + VL); at += ldc;
        c110.intoArray(c, at); c111.intoArray(c, at + VL); at += ldc;
    }

    /** Six rows: a last group of at most 6 rows. */
    static void micro6(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0, q = aOff, bp = bOff; p < k; p++, q += 6, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[q + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[q + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + ldc);
        store(c20, c21, c, cOff + 2 * ldc);
        store(c30, c31, c, cOff + 3 * ldc);
        store(c40, c41, c, cOff + 4 * ldc);
        store(c50, c51, c, cOff + 5 * ldc);
    }

    /** {@link #micro12} with strip step p read where B lies: b[rowOff[base + p] + col ...] (stores written out, as there). */
    static void micro12InPlace(int k, float[] a, int aOff, float[] b, int[] rowOff, int base, int col, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z;
        FloatVector c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
        for (int p = 0, q = aOff; p < k; p++, q += 12) {
            int bp = rowOff[base + p] + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[q + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[q + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, a[q + 6]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, a[q + 7]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
            x = FloatVector.broadcast(S, a[q + 8]);
            c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(S, a[q + 9]);
            c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(S, a[q + 10]);
            c100 = b0.fma(x, c100); c101 = b1.fma(x, c101);
            x = FloatVector.broadcast(S, a[q + 11]);
            c110 = b0.fma(x, c110); c111 = b1.fma(x, c111);
        }
        int at = cOff;
        c00.intoArray(c, at); c01.intoArray(c, at + VL); at += ldc;
        c10.intoArray(c, at); c11.intoArray(c, at + VL); at += ldc;
        c20.intoArray(c, at); c21.intoArray(c, at + VL); at += ldc;
        c30.intoArray(c, at); c31.intoArray(c, at + VL); at += ldc;
        c40.intoArray(c, at); c41.intoArray(c, at + VL); at += ldc;
        c50.intoArray(c, at); c51.intoArray(c, at + VL); at += ldc;
        c60.intoArray(c, at); c61.intoArray(c, at + VL); at += ldc;
        c70.intoArray(c, at); c71.intoArray(c, at + VL); at += ldc;
        c80.intoArray(c, at); c81.intoArray(c, at + VL); at += ldc;
        c90.intoArray(c, at); c91.intoArray(c, at + VL); at += ldc;
        c100.intoArray(c, at); c101.intoArray(c, at + VL); at += ldc;
        c110.intoArray(c, at); c111.intoArray(c, at + VL); at += ldc;
    }

    /** {@link #micro6} with B read where it lies. */
    static void micro6InPlace(int k, float[] a, int aOff, float[] b, int[] rowOff, int base, int col, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0, q = aOff; p < k; p++, q += 6) {
            int bp = rowOff[base + p] + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[q + 4]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[q + 5]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + ldc);
        store(c20, c21, c, cOff + 2 * ldc);
        store(c30, c31, c, cOff + 3 * ldc);
        store(c40, c41, c, cOff + 4 * ldc);
        store(c50, c51, c, cOff + 5 * ldc);
    }

    /**
     * Four rows: a last group of at most 4 rows (64 = 5 x 12 + 4, 256 = 21 x 12 + 4), which the 6-row kernel ran with
     * two rows of zeros: FPN forward 0.288-0.293 s against 0.288-0.297, HRNet-W18+OCR 0.523-0.533 s against
     * 0.535-0.554 (alternated, 2026-12-01), the same bits.
     */
    static void micro4(int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        for (int p = 0, q = aOff, bp = bOff; p < k; p++, q += 4, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
        }
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + ldc);
        store(c20, c21, c, cOff + 2 * ldc);
        store(c30, c31, c, cOff + 3 * ldc);
    }

    /** {@link #micro4} with B read where it lies. */
    static void micro4InPlace(int k, float[] a, int aOff, float[] b, int[] rowOff, int base, int col, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        for (int p = 0, q = aOff; p < k; p++, q += 4) {
            int bp = rowOff[base + p] + col;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[q + 1]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[q + 2]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[q + 3]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
        }
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + ldc);
        store(c20, c21, c, cOff + 2 * ldc);
        store(c30, c31, c, cOff + 3 * ldc);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int at) {
        lo.intoArray(c, at);
        hi.intoArray(c, at + VL);
    }
}
