package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s path for products of at most {@link Gemm#IN_PLACE_MAX_M} rows whose B can be read where it lies: a
 * 6 x NR register tile (12 accumulators, 8 loads per 12 FMAs) with A read in place, a lone last row through a
 * one-row kernel, no packing but for a ragged last strip. Packing B costs a load and a store per element, which so
 * few rows of A cannot amortise. Same slices and order of sums as every other path of Gemm: the same bits.
 * {@link #micro} and {@link #microInPlace} differ only in where B's step p starts; they stay twins for the reason
 * {@link PackedAKernels} gives (reading a packed strip through an offset table costs a load per step).
 */
final class FewRowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int NR = Gemm.NR, KC = Gemm.KC;
    /** Rows of the register tile: 6 x NR = 12 accumulators of 32 AVX-512 registers. */
    static final int MR = 6;

    private FewRowGemm() {}

    /**
     * One task with B read where it lies (see {@link PanelSource#inPlaceArray()}): no packing. Strips are the
     * outer loop so that a strip's rows, once loaded, stay in L1 for every group of rows of A. Same slices, same
     * order of products and sums as {@link Gemm}'s packed path: bit-identical results. Only a last, narrower strip is packed
     * (its zero padding must not be read from beyond the row).
     */
    static void panel(int i0, int rows, int j0, int cols, int k, float[] a, int aOff, int lda, PanelSource b,
                                     float[] bArr, int[] rowOff, float[] c, int cOff, int ldc, boolean accumulate,
                                     TileSink sink, Gemm.PackSpace s) {
        int fullStrips = cols / NR, tail = cols - fullStrips * NR, lastHeight = rows % MR, lastRow = rows - lastHeight;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int depth = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            if (lastHeight > 0) copyRows(a, aOff + lastRow * lda + p0, lda, lastHeight, depth, s.rows);
            for (int st = 0; st <= fullStrips; st++) {
                int j = st * NR, col = j0 + j, width = st < fullStrips ? NR : tail;
                if (width == 0) break;
                boolean packed = width < NR; // the ragged last strip, packed with zeros past the row's end
                if (packed) StripPacking.packStrips(b, p0, depth, col, width, s);
                for (int i = 0; i < rows; i += MR) {
                    int height = Math.min(MR, rows - i), at = cOff + i * ldc + j;
                    if (height == MR && !packed) {
                        microInPlace(depth, a, aOff + i * lda + p0, lda, bArr, rowOff, p0, col, c, at, ldc, acc);
                        continue;
                    }
                    // an edge tile into scratch, the part inside C kept; the last rows come zero-padded from s.rows
                    float[] ar = height < MR ? s.rows : a;
                    int arOff = height < MR ? 0 : aOff + i * lda + p0, arLd = height < MR ? depth : lda;
                    if (packed && height == 1) microRow(depth, ar, arOff, s.panel, 0, s.tile);
                    else if (packed) micro(depth, ar, arOff, arLd, s.panel, 0, s.tile, 0, NR, false);
                    else if (height == 1) microRowInPlace(depth, ar, arOff, bArr, rowOff, p0, col, s.tile);
                    else microInPlace(depth, ar, arOff, arLd, bArr, rowOff, p0, col, s.tile, 0, NR, false);
                    Gemm.mergeTile(s.tile, height, width, c, at, ldc, acc);
                }
            }
        }
        if (sink != null)
            for (int i = 0; i < rows; i += MR) sink.finish(c, cOff + i * ldc, ldc, i0 + i, j0, Math.min(MR, rows - i), cols);
    }

    private static void copyRows(float[] a, int off, int lda, int height, int depth, float[] dst) {
        for (int r = 0; r < MR; r++) {
            if (r < height) System.arraycopy(a, off + r * lda, dst, r * depth, depth);
            else java.util.Arrays.fill(dst, r * depth, (r + 1) * depth, 0f);
        }
    }

    /**
     * C[6 x NR] (+)= A[6 x k] x strip[k x NR]: twelve accumulators summed from zero, then added to C.
     * A is read in place (row stride lda), the strip is contiguous (NR floats per step of k).
     */
    private static void micro(int k, float[] a, int aOff, int lda, float[] b, int bOff,
                              float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff, acc);
        store(c10, c11, c, cOff + ldc, acc);
        store(c20, c21, c, cOff + 2 * ldc, acc);
        store(c30, c31, c, cOff + 3 * ldc, acc);
        store(c40, c41, c, cOff + 4 * ldc, acc);
        store(c50, c51, c, cOff + 5 * ldc, acc);
    }

    /** {@link #micro} with strip step p read in place: bArr[rowOff[base + p] + col ...]. */
    private static void microInPlace(int k, float[] a, int aOff, int lda, float[] bArr, int[] rowOff, int base, int col,
                                     float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++) {
            int bp = rowOff[base + p] + col;
            FloatVector b0 = FloatVector.fromArray(S, bArr, bp), b1 = FloatVector.fromArray(S, bArr, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff, acc);
        store(c10, c11, c, cOff + ldc, acc);
        store(c20, c21, c, cOff + 2 * ldc, acc);
        store(c30, c31, c, cOff + 3 * ldc, acc);
        store(c40, c41, c, cOff + 4 * ldc, acc);
        store(c50, c51, c, cOff + 5 * ldc, acc);
    }

    /** {@link #microRow} with B read in place as in {@link #microInPlace}. */
    private static void microRowInPlace(int k, float[] a, int aOff, float[] bArr, int[] rowOff, int base, int col, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = rowOff[base + p] + col;
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c0 = FloatVector.fromArray(S, bArr, bp).fma(x, c0);
            c1 = FloatVector.fromArray(S, bArr, bp + VL).fma(x, c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, VL);
    }

    /** The first row of {@link #micro} alone (into tile[0 .. NR)): a lone last row of A costs 2 FMAs a step, not 12. */
    private static void microRow(int k, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * NR;
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c0 = FloatVector.fromArray(S, b, bp).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bp + VL).fma(x, c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, VL);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int at, boolean acc) {
        if (acc) {
            lo = lo.add(FloatVector.fromArray(S, c, at));
            hi = hi.add(FloatVector.fromArray(S, c, at + VL));
        }
        lo.intoArray(c, at);
        hi.intoArray(c, at + VL);
    }
}
