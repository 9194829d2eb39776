package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What follows a convolution's GEMM, in one pass over the output:
 * y = relu?((((y + bias[channel]) * scale[channel]) + shift[channel]) + residual), the scale and shift being batch
 * norm's eval transform. The float operations and their order are those of the separate bias add, per-channel
 * multiply and add, tensor add and ReLU kernels, so fusing changes no bit. Missing terms are skipped, not applied as
 * 0 or 1 (adding 0 would turn -0 into +0).
 */
final class ConvEpilogue {
    private ConvEpilogue() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int GRAIN = 16384;

    /** The residual's array and the storage index of its element matching output index 0; null for none. */
    record Residual(Object array, int offset) {}

    /** Per-channel scale and shift (float[] or double[] as the output), indexed from their offsets by channel. */
    record Affine(Object scale, int scaleOff, Object shift, int shiftOff) {}

    /**
     * Applies the epilogue to rows [row0, row0 + rows) of an output laid out as rows of l elements, where
     * row r has channel r % channels. bias (indexed from bOff by channel) and res may be null.
     */
    static void apply(Object out, int row0, int rows, int l, int channels, Object bias, int bOff, Residual res, boolean relu) {
        apply(out, row0, rows, l, channels, bias, bOff, null, res, relu);
    }

    /** As above with a per-channel affine after the bias (null for none). */
    static void apply(Object out, int row0, int rows, int l, int channels, Object bias, int bOff, Affine aff, Residual res, boolean relu) {
        if (bias == null && aff == null && res == null && !relu) return;
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(l, 1)), (lo, hi) -> {
            for (int r = row0 + lo; r < row0 + hi; r++) {
                int os = r * l, ch = r % channels;
                int rs = res == null ? 0 : res.offset() + os;
                if (out instanceof float[] o)
                    rowF(o, os, o, os, l, bias != null, bias == null ? 0f : ((float[]) bias)[bOff + ch],
                            aff != null, aff == null ? 1f : ((float[]) aff.scale())[aff.scaleOff() + ch], aff == null ? 0f : ((float[]) aff.shift())[aff.shiftOff() + ch],
                            res == null ? null : (float[]) res.array(), rs, relu);
                else
                    rowD((double[]) out, os, l, bias != null, bias == null ? 0 : ((double[]) bias)[bOff + ch],
                            aff != null, aff == null ? 1 : ((double[]) aff.scale())[aff.scaleOff() + ch], aff == null ? 0 : ((double[]) aff.shift())[aff.shiftOff() + ch],
                            res == null ? null : (double[]) res.array(), rs, relu);
            }
        });
    }

    /**
     * One output row of n floats, read from src[ss ...] and written to o[os ...] (the same place, or a copy with the
     * epilogue on the way); r (the residual, may be null) is read from rs.
     */
    static void rowF(float[] src, int ss, float[] o, int os, int n, boolean hasBias, float b, boolean hasAffine, float scale,
                     float shift, float[] r, int rs, boolean relu) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += VL) {
            FloatVector v = FloatVector.fromArray(S, src, ss + i);
            if (hasBias) v = v.add(b);
            if (hasAffine) v = v.mul(scale).add(shift);
            if (r != null) v = v.add(FloatVector.fromArray(S, r, rs + i));
            if (relu) v = zero.blend(v, v.compare(VectorOperators.GT, 0f)); // v > 0 ? v : 0, NaN to 0
            v.intoArray(o, os + i);
        }
        for (; i < n; i++) {
            float v = src[ss + i];
            if (hasBias) v += b;
            if (hasAffine) v = v * scale + shift; // two roundings: Java never fuses a multiply and an add
            if (r != null) v += r[rs + i];
            if (relu) v = v > 0 ? v : 0f;
            o[os + i] = v;
        }
    }

    private static void rowD(double[] o, int os, int n, boolean hasBias, double b, boolean hasAffine, double scale, double shift,
                             double[] r, int rs, boolean relu) {
        for (int i = 0; i < n; i++) {
            double v = o[os + i];
            if (hasBias) v += b;
            if (hasAffine) v = v * scale + shift;
            if (r != null) v += r[rs + i];
            if (relu) v = v > 0 ? v : 0;
            o[os + i] = v;
        }
    }
}
