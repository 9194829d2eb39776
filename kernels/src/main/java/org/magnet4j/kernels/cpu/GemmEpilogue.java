package org.magnet4j.kernels.cpu;

/**
 * A convolution's epilogue, y = relu?((((c + bias[row]) * scale[row]) + shift[row]) + residual), applied by the GEMM to
 * each finished block of C rows while it is in cache: in place here, or on the way to the output
 * ({@link PaddedConv#scatter}). Both go through {@link ConvEpilogue#rowF}, the code the separate pass runs, so fusing
 * changes no bit; a null bias, scale (with its shift) or residual is skipped.
 *
 * @param bias     per-row bias (null for none), bias[biasOff + row] for C row {@code row} of the GEMM
 * @param scale    per-row factor (batch norm's eval scale; null for none), scale[scaleOff + row]
 * @param shift    per-row term added after the factor (null exactly when scale is), shift[shiftOff + row]
 * @param residual added element-wise (null for none): residual[residualOff + i] for output array index i
 */
record GemmEpilogue(float[] bias, int biasOff, float[] scale, int scaleOff, float[] shift, int shiftOff,
                    float[] residual, int residualOff, boolean relu) implements TileSink {
    /** Bias, residual and ReLU only. */
    GemmEpilogue(float[] bias, int biasOff, float[] residual, int residualOff, boolean relu) {
        this(bias, biasOff, null, 0, null, 0, residual, residualOff, relu);
    }

    @Override public void finish(float[] c, int at, int ldc, int row0, int col0, int height, int width) { apply(c, at, ldc, row0, height, width); }

    /** The block of height x width at C index at (row stride ldc), whose first row is GEMM row row0, in place. */
    void apply(float[] c, int at, int ldc, int row0, int height, int width) {
        for (int r = 0; r < height; r++) copyRow(c, at + r * ldc, c, at + r * ldc, width, row0 + r);
    }

    /** n values of GEMM row {@code row} from src[ss ...] to out[os ...] (may be the same place), epilogue applied. */
    void copyRow(float[] src, int ss, float[] out, int os, int n, int row) {
        ConvEpilogue.rowF(src, ss, out, os, n, bias != null, bias == null ? 0f : bias[biasOff + row],
                scale != null, scale == null ? 1f : scale[scaleOff + row], scale == null ? 0f : shift[shiftOff + row],
                residual, residualOff + os, relu);
    }
}
