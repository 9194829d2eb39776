package org.magnet4j.kernels.cpu;

/**
 * A GEMM's left matrix (M x K) repacked for a register tile of {@code groupRows} rows: for each KC-deep slice of K,
 * the rows in groups, each group stored depth x height (the height values of one step of K side by side), so the
 * kernel's broadcasts per step read one short contiguous run instead of rows far apart. {@link #pack} makes groups
 * of {@link #MR} for {@link Gemm}'s 12-row kernel: a last group of at most 4 rows is stored 4 high and runs through
 * the 4-row kernel, one of 5 or 6 rows 6 high through the 6-row kernel; any other short last group is zero-padded to
 * 12 rows. {@link #packNines} makes groups of 9 for
 * {@link NineRowGemm} (its products have a multiple of 9 rows).
 * <p>
 * Measured on the 2-core Xeon (AVX-512) on 2026-12-01, the kernel alone: 12 x 32 with packed A 212-231 GFLOP/s per
 * core (88-96% of the FMA peak) against 169-216 for 6 x 32 with A read in place, and 170-200 for 12 x 32 with A
 * in place (twelve streams). Packing is once per product, M x K moves against M x N x K multiply-adds.
 */
final class PackedA {
    static final int MR = 12;
    /** The height of a last group of at most this many rows (and more than {@link #TINY}). */
    static final int SHORT = 6;
    /** The height of a last group of at most this many rows. */
    static final int TINY = 4;

    final float[] data;
    /** Where this matrix starts in data. */
    final int base;
    final int m, k;
    /** Rows per full group. */
    final int groupRows;
    /** Whether a short last group is stored 4 or 6 high ({@link #pack}) rather than zero-padded to groupRows. */
    final boolean shortGroups;
    /** Rows as stored: full groups plus the last group's stored height. */
    final int mPad;

    private PackedA(float[] data, int base, int m, int k, int groupRows, boolean shortGroups) {
        this.data = data;
        this.base = base;
        this.m = m;
        this.k = k;
        this.groupRows = groupRows;
        this.shortGroups = shortGroups;
        this.mPad = paddedRows(m, groupRows, shortGroups);
    }

    private static int paddedRows(int m, int groupRows, boolean shortGroups) {
        int rem = m % groupRows;
        if (rem == 0) return m;
        return m - rem + (!shortGroups ? groupRows : rem <= TINY ? TINY : rem <= SHORT ? SHORT : groupRows);
    }

    /** Floats needed to pack an m x k matrix with {@link #pack}. */
    static long size(int m, int k) { return (long) paddedRows(m, MR, true) * k; }

    /** Stored height of the group whose first row is i (a multiple of groupRows). */
    int height(int i) { return m - i >= groupRows ? groupRows : mPad - i; }

    /** Where the group starting at row i of the slice starting at K index p0 begins. */
    int offset(int p0, int i) { return base + p0 * mPad + i * Math.min(Gemm.KC, k - p0); }

    /**
     * Packs A (row stride lda) into buf (at least {@link #size} floats; stale contents are fine), groups split
     * over the pool when the work is large.
     */
    static PackedA pack(int m, int k, float[] a, int aOff, int lda, float[] buf) { return pack(m, k, a, aOff, lda, buf, 0); }

    /** As above into buf from index base on (several matrices in one buffer). */
    static PackedA pack(int m, int k, float[] a, int aOff, int lda, float[] buf, int base) {
        return new PackedA(buf, base, m, k, MR, true).fill(a, aOff, lda);
    }

    /**
     * A (m x k, m a multiple of 9) in groups of 9 for {@link NineRowGemm}, into buf (at least m k floats). Once per
     * product: packed per task it cost about a tenth of HRNet's 18 x 32768 x 162 product.
     */
    static PackedA packNines(int m, int k, float[] a, int aOff, int lda, float[] buf) {
        return new PackedA(buf, 0, m, k, NineRowGemm.MR, false).fill(a, aOff, lda);
    }

    /** Packs every group, split over the pool when the work is large. */
    private PackedA fill(float[] a, int aOff, int lda) {
        int groups = (m + groupRows - 1) / groupRows;
        Parallel.forRange(groups, Math.max(1, (1 << 15) / Math.max(1, groupRows * k)), (lo, hi) -> {
            for (int g = lo; g < hi; g++) packGroup(g * groupRows, a, aOff, lda);
        });
        return this;
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
