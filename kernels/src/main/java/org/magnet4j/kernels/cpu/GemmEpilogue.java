package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution's epilogue applied by the GEMM to each finished C tile while it is in L1:
 * c = relu?((c + bias[row]) + residual). Same float operations in the same order as {@link ConvEpilogue}
 * (and as the separate bias add, tensor add and ReLU), so it changes no bit; a null bias is skipped.
 *
 * @param bias    per-row bias (null for none), bias[biasOff + row] for C row {@code row} of the GEMM
 * @param residual added element-wise (null for none): residual[residualOff + i] for C array index i
 */
record GemmEpilogue(float[] bias, int biasOff, float[] residual, int residualOff, boolean relu) {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /** The tile of height x width at C index at (row stride ldc), whose first row is GEMM row row0. */
    void apply(float[] c, int at, int ldc, int row0, int height, int width) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < height; r++) {
            int o = at + r * ldc, j = 0;
            float b = bias == null ? 0f : bias[biasOff + row0 + r];
            for (; j + VL <= width; j += VL) {
                FloatVector v = FloatVector.fromArray(S, c, o + j);
                if (bias != null) v = v.add(b);
                if (residual != null) v = v.add(FloatVector.fromArray(S, residual, residualOff + o + j));
                if (relu) v = zero.blend(v, v.compare(VectorOperators.GT, 0f)); // v > 0 ? v : 0, NaN to 0
                v.intoArray(c, o + j);
            }
            for (; j < width; j++) {
                float v = c[o + j];
                if (bias != null) v += b;
                if (residual != null) v += residual[residualOff + o + j];
                if (relu) v = v > 0 ? v : 0f;
                c[o + j] = v;
            }
        }
    }
}
