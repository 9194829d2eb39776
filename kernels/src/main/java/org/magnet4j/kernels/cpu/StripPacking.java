package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs {@link Gemm}'s right operand B into the contiguous, zero-padded strips its kernels read: for each step of K,
 * NR floats of one strip, strip after strip. Packing is a load and a store per element, so for products with few
 * rows of A it costs about as much as the FMAs; how the rows are read decides how fast it goes.
 */
final class StripPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int NR = Gemm.NR;

    private StripPacking() {}

    /**
     * B's depth x cols block as NR-wide strips, each depth x NR contiguous, the last one zero-padded. A stored B
     * goes four rows at a time ({@link #packMatrixStrips}); other sources one row segment at a time.
     */
    static void packStrips(PanelSource b, int p0, int depth, int j0, int cols, Gemm.PackSpace s) {
        packStrips(b, p0, depth, j0, cols, s.panel, 0, s.row);
    }

    /**
     * B's k x cols block (rows from 0) for every KC slice at once, slice p0 from panel index p0 * width on, width being
     * cols rounded up to whole strips: the whole-depth panel {@link Gemm} multiplies when it fits in L2.
     */
    static void packPanel(PanelSource b, int k, int j0, int cols, float[] panel, float[] rowBuf) {
        int width = (cols + NR - 1) / NR * NR;
        for (int p0 = 0; p0 < k; p0 += Gemm.KC) packStrips(b, p0, Math.min(Gemm.KC, k - p0), j0, cols, panel, p0 * width, rowBuf);
    }

    /** As above into panel from index base on (rowBuf: room for a row segment of a source that computes them). */
    static void packStrips(PanelSource b, int p0, int depth, int j0, int cols, float[] panel, int base, float[] rowBuf) {
        int full = cols - cols % NR, step = depth * NR;
        if (b instanceof PanelSource.Matrix mb) {
            packMatrixStrips(mb.b(), mb.off() + p0 * mb.ldb() + j0, mb.ldb(), depth, cols, full, step, panel, base);
            return;
        }
        if (b instanceof PanelSource.Stacked sb) { // each part's run of rows as a stored matrix
            for (int p = p0, end = p0 + depth; p < end; ) {
                int i = sb.part(p), upTo = Math.min(end, sb.starts()[i + 1]);
                PanelSource.Matrix m = sb.parts()[i];
                packMatrixStrips(m.b(), m.off() + (p - sb.starts()[i]) * m.ldb() + j0, m.ldb(), upTo - p, cols, full, step, panel,
                        base + (p - p0) * NR);
                p = upTo;
            }
            return;
        }
        for (int p = 0; p < depth; p++) {
            PanelSource.Segment row = b.row(p0 + p, j0, cols, rowBuf);
            packRow(row.array(), row.offset(), cols, full, step, panel, base + p * NR);
        }
    }

    /**
     * {@link #packStrips} of a stored B (row p at x[at + p * ldb]), four rows at a time with their loads interleaved:
     * four row streams keep more cache misses in flight than one, and packing a B whose rows lie far apart waits on
     * misses (576 rows of a 32768-wide B: 2.05 ms against 2.7 ms a row at a time, 2 threads; 1024^3 6.5-6.9 ms against
     * 7.1-7.2 in alternated JMH, 2026-12-01). Sources that compute their rows keep one row at a time: with four
     * buffers the FPN's forward allocated 50 MB instead of 28 (row segments no longer scalar-replaced) and ran 5% slower.
     */
    private static void packMatrixStrips(float[] x, int at, int ldb, int depth, int cols, int full, int step, float[] panel, int base) {
        int p = 0;
        for (; p + 4 <= depth; p += 4, at += 4 * ldb) {
            int at1 = at + ldb, at2 = at1 + ldb, at3 = at2 + ldb, j = 0, dst = base + p * NR;
            for (; j < full; j += NR, dst += step) { // the stride hoisted into `step`, as in packRow
                FloatVector a0 = FloatVector.fromArray(S, x, at + j), a1 = FloatVector.fromArray(S, x, at + j + VL);
                FloatVector b0 = FloatVector.fromArray(S, x, at1 + j), b1 = FloatVector.fromArray(S, x, at1 + j + VL);
                FloatVector c0 = FloatVector.fromArray(S, x, at2 + j), c1 = FloatVector.fromArray(S, x, at2 + j + VL);
                FloatVector d0 = FloatVector.fromArray(S, x, at3 + j), d1 = FloatVector.fromArray(S, x, at3 + j + VL);
                a0.intoArray(panel, dst); a1.intoArray(panel, dst + VL);
                b0.intoArray(panel, dst + NR); b1.intoArray(panel, dst + NR + VL);
                c0.intoArray(panel, dst + 2 * NR); c1.intoArray(panel, dst + 2 * NR + VL);
                d0.intoArray(panel, dst + 3 * NR); d1.intoArray(panel, dst + 3 * NR + VL);
            }
            if (j < cols) {
                packTail(x, at + j, cols - j, panel, dst);
                packTail(x, at1 + j, cols - j, panel, dst + NR);
                packTail(x, at2 + j, cols - j, panel, dst + 2 * NR);
                packTail(x, at3 + j, cols - j, panel, dst + 3 * NR);
            }
        }
        for (; p < depth; p++, at += ldb) packRow(x, at, cols, full, step, panel, base + p * NR);
    }

    /** One row of B (cols floats of src from at) as step p of every strip, from panel index dst on. */
    private static void packRow(float[] src, int at, int cols, int full, int step, float[] panel, int dst) {
        int j = 0;
        // Two vector moves beat a short arraycopy call. The stride is hoisted into `step`: with "dst += depth * NR"
        // in the update C2 compiled a loop that took twice as long (a 60x32768x576 product 11.0 ms instead of
        // 9.2 ms in alternated runs; the profile had put a third of the product in this loop).
        for (; j < full; j += NR, dst += step) {
            FloatVector.fromArray(S, src, at + j).intoArray(panel, dst);
            FloatVector.fromArray(S, src, at + j + VL).intoArray(panel, dst + VL);
        }
        if (j < cols) packTail(src, at + j, cols - j, panel, dst);
    }

    /** The last, narrower strip's step: the values, then zeros to NR. */
    private static void packTail(float[] src, int at, int width, float[] panel, int dst) {
        System.arraycopy(src, at, panel, dst, width);
        java.util.Arrays.fill(panel, dst + width, dst + NR, 0f);
    }
}
