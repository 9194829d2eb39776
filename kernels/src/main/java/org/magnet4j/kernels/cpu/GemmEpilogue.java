package org.magnet4j.kernels.cpu;

/**
 * A convolution's epilogue applied by the GEMM to each finished block of C rows while it is in cache:
 * c = relu?((c + bias[row]) + residual), row by row through {@link ConvEpilogue#rowF}, the same code the
 * separate pass runs, so it changes no bit; a null bias is skipped.
 *
 * @param bias    per-row bias (null for none), bias[biasOff + row] for C row {@code row} of the GEMM
 * @param residual added element-wise (null for none): residual[residualOff + i] for C array index i
 */
record GemmEpilogue(float[] bias, int biasOff, float[] residual, int residualOff, boolean relu) implements TileSink {
    @Override public void finish(float[] c, int at, int ldc, int row0, int col0, int height, int width) { apply(c, at, ldc, row0, height, width); }

    /** The tile of height x width at C index at (row stride ldc), whose first row is GEMM row row0. */
    void apply(float[] c, int at, int ldc, int row0, int height, int width) {
        for (int r = 0; r < height; r++) {
            int o = at + r * ldc;
            ConvEpilogue.rowF(c, o, width, bias != null, bias == null ? 0f : bias[biasOff + row0 + r], residual, residualOff + o, relu);
        }
    }
}
