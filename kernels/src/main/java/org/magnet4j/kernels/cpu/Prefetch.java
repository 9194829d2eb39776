package org.magnet4j.kernels.cpu;

/**
 * Software prefetch for the GEMM, in Java: loads one float per cache line of the blocks a task touches
 * next (a B slice with rows ldb apart, a C block with rows ldc apart), a few lines between micro-kernel
 * calls. Those loads miss while the FMAs run, so the next packing and the next C update find their lines
 * in cache instead of waiting on DRAM one row at a time (B's and C's rows are far apart: too many
 * streams for the hardware prefetcher). The loaded values are summed into {@link #sink} to keep them alive.
 */
final class Prefetch {
    private static final int FLOATS_PER_LINE = 64 / Float.BYTES;
    static final boolean ENABLED = !Boolean.getBoolean("magnet.gemm.noprefetch");

    private float[] b;
    private int bOff, ldb, bLinesPerRow, bLines, cOff, cLinesPerRow, lines, perCall, line;
    float sink;

    /**
     * Schedules over calls steps the B block (rows p0.. p0+depth, columns j0.. j0+cols; only when B is a
     * stored matrix: an implicit im2col reads its small input, which stays in cache) and the C block
     * (rows of cols floats from cOff).
     */
    void plan(PanelSource source, int p0, int j0, int cols, int depth, int cOff, int rows, int calls) {
        this.cOff = cOff;
        int linesPerRow = (cols + FLOATS_PER_LINE - 1) / FLOATS_PER_LINE;
        bLinesPerRow = linesPerRow;
        cLinesPerRow = linesPerRow;
        if (source instanceof PanelSource.Matrix mat) {
            b = mat.b();
            ldb = mat.ldb();
            bOff = mat.off() + p0 * ldb + j0;
            bLines = cols == 0 ? 0 : depth * linesPerRow;
        } else {
            b = null;
            bLines = 0;
        }
        lines = ENABLED ? bLines + (cols == 0 ? 0 : rows * linesPerRow) : 0;
        perCall = (lines + calls - 1) / Math.max(1, calls);
        line = 0;
    }

    /** Touches the next share of lines. */
    void step(float[] c, int ldc) {
        if (line >= lines) return;
        int to = Math.min(lines, line + perCall);
        float sum = 0f;
        for (int q = line; q < to; q++) {
            if (q < bLines) {
                int p = q / bLinesPerRow;
                sum += b[bOff + p * ldb + (q - p * bLinesPerRow) * FLOATS_PER_LINE];
            } else {
                int r = (q - bLines) / cLinesPerRow;
                sum += c[cOff + r * ldc + (q - bLines - r * cLinesPerRow) * FLOATS_PER_LINE];
            }
        }
        line = to;
        sink += sum;
    }
}
