package org.magnet4j.kernels.cpu;

/**
 * Receives each finished block of a GEMM's C (all K summed; a group of register-tile rows across a task's
 * columns) while it is still in cache: an epilogue applied in place ({@link GemmEpilogue}), or a copy of the
 * block to where its values belong ({@link PaddedConv}).
 */
interface TileSink {
    /**
     * The block of height x width at c[at] (row stride ldc) holds C rows [row0, row0 + height) and columns
     * [col0, col0 + width).
     */
    void finish(float[] c, int at, int ldc, int row0, int col0, int height, int width);
}
