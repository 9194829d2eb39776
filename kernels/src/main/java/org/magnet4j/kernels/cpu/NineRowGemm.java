package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The in-place GEMM task ({@link Gemm}'s B read where it lies) for products whose rows come in nines, HRNet's
 * 18-channel branch: a 9 x 32 register tile (18 accumulators) instead of 6 x 32. Reading B in place costs two
 * load slots per vector that starts mid-line (most taps of a 3x3 convolution do), so the 6 x 32 tile issued about
 * eleven load slots per twelve FMAs and the load ports, not the FMA units, set its pace; the 9 x 32 tile issues
 * about fourteen per eighteen and reads each strip of B twice for 18 rows instead of three times. The 18 x 32768 x
 * 162 implicit GEMM went from 0.78 to 0.67 ms (JMH, alternated runs). A 9 x 48 tile (27 accumulators) left C2
 * short of vector registers: 5 to 400 ms.
 * <p>
 * A is packed once per product ({@link PackedA#packNines}), per K slice as depth x 9 (the nine values of step p
 * side by side), so the broadcasts share one index. Same slices, same order of products and sums as {@link Gemm}'s kernels: bit-identical results.
 */
final class NineRowGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    static final int MR = 9;
    /** Gemm's strip width: its packed ragged strips and edge tiles are shared. */
    static final int NR = Gemm.NR;
    /** Columns per task: a multiple of NR near the packed path's 256. */
    static final int NC = 8 * NR;
    /** rowOff for a strip packed with row stride NR. */
    private static final int[] SCRATCH_ROWS = new int[Gemm.KC];

    static {
        for (int p = 0; p < Gemm.KC; p++) SCRATCH_ROWS[p] = p * NR;
    }

    /** Per-thread scratch: an edge tile. */
    static final class Space {
        final float[] tile = new float[MR * NR];
    }

    private NineRowGemm() {}

    /**
     * Rows [0, rows) x cols of C (at c[cOff], row stride ldc) over the whole K, one KC slice at a time; B row p
     * column j at bArr[rowOff[p] + j0 + j]. When sink is not null each group of 9 rows goes to it once finished.
     */
    static void panel(int i0, int rows, int j0, int cols, PackedA pa, float[] bArr, int[] rowOff,
                      PanelSource source, float[] c, int cOff, int ldc, boolean accumulate, TileSink sink, Gemm.PackSpace ps) {
        Space s = ps.nines();
        int fullStrips = cols / NR, tail = cols - fullStrips * NR, k = pa.k;
        for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
            int depth = Math.min(Gemm.KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            for (int st = 0; st <= fullStrips; st++) {
                int j = st * NR, width = st < fullStrips ? NR : tail;
                if (width == 0) break;
                float[] src = bArr;
                int[] offs = rowOff;
                int base = p0, col = j0 + j;
                if (width < NR) { // the ragged last strip, packed by Gemm with zeros past the row's end
                    StripPacking.packStrips(source, p0, depth, col, width, ps);
                    src = ps.panel;
                    offs = SCRATCH_ROWS;
                    base = 0;
                    col = 0;
                }
                for (int i = 0; i < rows; i += MR) {
                    int height = Math.min(MR, rows - i), at = cOff + i * ldc + j;
                    // Stored straight to C only when it replaces C: see micro for why it never adds.
                    if (height == MR && width == NR && !acc) micro(depth, pa.data, pa.offset(p0, i0 + i), src, offs, base, col, c, at, ldc);
                    else {
                        micro(depth, pa.data, pa.offset(p0, i0 + i), src, offs, base, col, s.tile, 0, NR);
                        Gemm.mergeTile(s.tile, height, width, c, at, ldc, acc);
                    }
                }
            }
        }
        if (sink != null)
            for (int i = 0; i < rows; i += MR) sink.finish(c, cOff + i * ldc, ldc, i0 + i, j0, Math.min(MR, rows - i), cols);
    }

    /**
     * C[9 x NR] = A[9 x k] x B[k x NR], 18 accumulators summed from zero, stored (never added: with a branch between
     * storing and adding after the loop, C2 boxed every FMA's result inside the loop once both branches had run,
     * 5.7 GB per HRNet forward; a slice that adds to C goes through the tile and {@link Gemm#mergeTile}).
     * A packed k x 9 from a[aOff], B step p at b[rowOff[base + p] + col ...].
     */
    private static void micro(int k, float[] a, int aOff, float[] b, int[] rowOff, int base, int col,
                              float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z;
        for (int p = 0, q = aOff; p < k; p++, q += MR) {
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
        }
        store(c00, c01, c, cOff);
        store(c10, c11, c, cOff + ldc);
        store(c20, c21, c, cOff + 2 * ldc);
        store(c30, c31, c, cOff + 3 * ldc);
        store(c40, c41, c, cOff + 4 * ldc);
        store(c50, c51, c, cOff + 5 * ldc);
        store(c60, c61, c, cOff + 6 * ldc);
        store(c70, c71, c, cOff + 7 * ldc);
        store(c80, c81, c, cOff + 8 * ldc);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int at) {
        lo.intoArray(c, at);
        hi.intoArray(c, at + VL);
    }
}
