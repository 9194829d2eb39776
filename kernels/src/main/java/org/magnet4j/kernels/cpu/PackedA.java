package org.magnet4j.kernels.cpu;

/**
 * A GEMM's left matrix (M x K) repacked for {@link Gemm}'s 12-row micro-kernel: for each KC-deep slice of K, the
 * rows in groups of {@link #MR}, each group stored depth x height (the height values of one step of K side by
 * side), so the kernel's twelve broadcasts per step read one short contiguous run instead of twelve rows far apart.
 * A last group of at most 6 rows is stored 6 high and runs through the 6-row kernel; any other short last group is
 * zero-padded to 12 rows.
 * <p>
 * Measured on the 2-core Xeon (AVX-512) on 2026-12-01, the kernel alone: 12 x 32 with packed A 212-231 GFLOP/s per
 * core (88-96% of the FMA peak) against 169-216 for 6 x 32 with A read in place, and 170-200 for 12 x 32 with A
 * in place (twelve streams). Packing is once per product, M x K moves against M x N x K multiply-adds.
 */
final class PackedA {
    static final int MR = 12;
    /** The height of a last group of at most this many rows. */
    static final int SHORT = 6;

    final float[] data;
    /** Where this matrix starts in data. */
    final int base;
    final int m, k;
    /** Rows as stored: full groups of 12 plus the last group's stored height. */
    final int mPad;

    private PackedA(float[] data, int base, int m, int k) {
        this.data = data;
        this.base = base;
        this.m = m;
        this.k = k;
        this.mPad = paddedRows(m);
    }

    static int paddedRows(int m) {
        int rem = m % MR;
        return m - rem + (rem == 0 ? 0 : rem <= SHORT ? SHORT : MR);
    }

    /** Floats needed to pack an m x k matrix. */
    static long size(int m, int k) { return (long) paddedRows(m) * k; }

    /** Stored height of the group whose first row is i (a multiple of 12). */
    int height(int i) { return m - i >= MR ? MR : mPad - i; }

    /** Where the group starting at row i of the slice starting at K index p0 begins. */
    int offset(int p0, int i) { return base + p0 * mPad + i * Math.min(Gemm.KC, k - p0); }

    /**
     * Packs A (row stride lda) into buf (at least {@link #size} floats; stale contents are fine), groups split
     * over the pool when the work is large.
     */
    static PackedA pack(int m, int k, float[] a, int aOff, int lda, float[] buf) { return pack(m, k, a, aOff, lda, buf, 0); }

    /** As above into buf from index base on (several matrices in one buffer). */
    static PackedA pack(int m, int k, float[] a, int aOff, int lda, float[] buf, int base) {
        PackedA pa = new PackedA(buf, base, m, k);
        int groups = (m + MR - 1) / MR;
        Parallel.forRange(groups, Math.max(1, (1 << 15) / Math.max(1, MR * k)), (lo, hi) -> {
            for (int g = lo; g < hi; g++) pa.packGroup(g * MR, a, aOff, lda);
        });
        return pa;
    }

    /** Rows [i, i + height) in every slice; rows past m are zero. */
    private void packGroup(int i, float[] a, int aOff, int lda) {
        int h = height(i), real = Math.min(h, m - i);
        for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
            int depth = Math.min(Gemm.KC, k - p0), at = offset(p0, i);
            for (int r = 0; r < real; r++) {
                int src = aOff + (i + r) * lda + p0;
                for (int p = 0, d = at + r; p < depth; p++, d += h) data[d] = a[src + p];
            }
            for (int r = real; r < h; r++)
                for (int p = 0, d = at + r; p < depth; p++, d += h) data[d] = 0f;
        }
    }
}
