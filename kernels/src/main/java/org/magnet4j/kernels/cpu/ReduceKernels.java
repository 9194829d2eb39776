package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.ReduceOp;
import org.magnet4j.tensor.Tensor;

/** Reductions along one dim and (log-)softmax; inputs are made contiguous, sums accumulate in double. */
final class ReduceKernels {
    private ReduceKernels() {}

    /** The contiguous layout [outer, len, inner] around dim d. */
    record Layout(int outer, int len, int inner) {
        static Layout of(int[] shape, int d) {
            int outer = 1, inner = 1;
            for (int i = 0; i < d; i++) outer *= shape[i];
            for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
            return new Layout(outer, shape.length == 0 ? 1 : shape[d], inner);
        }
    }

    static Tensor reduce(CpuBackend b, ReduceOp op, Tensor x, int d) {
        Tensor c = x.contiguous();
        int[] shape = x.shape();
        Layout l = Layout.of(shape, d);
        if (shape.length > 0) shape[d] = 1;
        DType outType = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.INT64 : x.dtype();
        Tensor out = b.empty(outType, shape);
        Buf xb = Buf.of(c), ob = Buf.of(out);
        int base = c.offset();
        int len = l.len(), inner = l.inner();
        Parallel.forRange(l.outer() * inner, Math.max(1, 4096 / Math.max(len, 1)), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int o = p / inner, i = p % inner;
                int start = base + o * len * inner + i;
                ob.set(p, reduceLine(op, xb, start, len, inner));
            }
        });
        return out;
    }

    /** NaN propagates through max/min and wins arg-max/arg-min, as PyTorch. Ties keep the first index. */
    private static double reduceLine(ReduceOp op, Buf x, int start, int len, int stride) {
        switch (op) {
            case SUM -> {
                double s = 0;
                for (int k = 0; k < len; k++) s += x.get(start + k * stride);
                return s;
            }
            case MAX, ARGMAX, MIN, ARGMIN -> {
                boolean max = op == ReduceOp.MAX || op == ReduceOp.ARGMAX;
                double best = x.get(start);
                int arg = 0;
                for (int k = 1; k < len && !Double.isNaN(best); k++) {
                    double v = x.get(start + k * stride);
                    if (Double.isNaN(v) || (max ? v > best : v < best)) {
                        best = v;
                        arg = k;
                    }
                }
                return op == ReduceOp.MAX || op == ReduceOp.MIN ? best : arg;
            }
        }
        throw new IllegalStateException(op.toString());
    }

    static Tensor softmax(CpuBackend b, Tensor x, int d, boolean log) {
        Tensor c = x.contiguous();
        Layout l = Layout.of(x.shape(), d);
        Tensor out = b.uninitialized(x.dtype(), x.shape()); // every element written
        int len = l.len(), inner = l.inner(), base = c.offset();
        if (x.dtype() == DType.FLOAT32) {
            float[] xa = (float[]) ((CpuStorage) c.storage()).array, oa = (float[]) ((CpuStorage) out.storage()).array;
            int blocks = (inner + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK;
            Parallel.forRange(l.outer() * blocks, Math.max(1, 2048 / Math.max(len * Math.min(inner, SOFTMAX_BLOCK), 1)), (lo, hi) -> {
                SoftmaxScratch sc = new SoftmaxScratch(len, inner);
                for (int t = lo; t < hi; t++) {
                    int o = t / blocks, i0 = (t % blocks) * SOFTMAX_BLOCK;
                    softmaxBlock(xa, base + o * len * inner + i0, oa, o * len * inner + i0, len, inner, Math.min(SOFTMAX_BLOCK, inner - i0), log, sc);
                }
            });
            return out;
        }
        Buf xb = Buf.of(c), ob = Buf.of(out);
        Parallel.forRange(l.outer() * inner, Math.max(1, 2048 / Math.max(len, 1)), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int o = p / inner, i = p % inner, off = o * len * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) m = Math.max(m, xb.get(base + off + k * inner));
                double s = 0;
                for (int k = 0; k < len; k++) s += Math.exp(xb.get(base + off + k * inner) - m);
                double ls = Math.log(s);
                for (int k = 0; k < len; k++) {
                    double z = xb.get(base + off + k * inner) - m;
                    ob.set(off + k * inner, log ? z - ls : Math.exp(z) / s);
                }
            }
        });
        return out;
    }

    /** Positions of the softmax's inner dim done together: lines along the softmax dim are read across them. */
    private static final int SOFTMAX_BLOCK = 64;

    private static final class SoftmaxScratch {
        final float[] max = new float[SOFTMAX_BLOCK];
        final double[] sum = new double[SOFTMAX_BLOCK], exp;

        SoftmaxScratch(int len, int inner) { exp = new double[len * Math.min(inner, SOFTMAX_BLOCK)]; }
    }

    /** The preferred double vector (8 lanes with AVX-512, 4 with AVX2), and the floats of as many lanes it widens. */
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(DOUBLES.length() * 32));
    private static final int LANES = DOUBLES.length();

    /**
     * float32 (log-)softmax of the lines at positions [0, width) of one block: line b is x[xOff + b + k * inner],
     * k &lt; len. Each pass walks k outside and the block's positions inside, so memory is read in runs of width
     * floats instead of one float per line per step, and each exp is computed once (kept in double for the
     * output). Arithmetic per element as in the per-line form: float max, exp(float x - max) summed in double
     * in k order, out = (float) (exp * (1 / sum)) or (float) (x - max - log(sum)). The exps run a vector at a time on
     * the Vector API's double EXP (4x the throughput of Math.exp, which the scalar tail keeps): both are within 1
     * ulp in double, and the float results they round to were the same for 16.7 million arguments tried.
     */
    private static void softmaxBlock(float[] x, int xOff, float[] out, int oOff, int len, int inner, int width,
                                     boolean log, SoftmaxScratch sc) {
        float[] m = sc.max;
        double[] s = sc.sum, e = sc.exp;
        java.util.Arrays.fill(m, 0, width, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(s, 0, width, 0);
        int vectorWidth = width - width % LANES;
        for (int k = 0; k < len; k++) {
            int at = xOff + k * inner, b = 0;
            for (; b < vectorWidth; b += LANES) // lanewise MAX is Math.max: NaN wins, +0 over -0
                FloatVector.fromArray(FLOATS, m, b).lanewise(VectorOperators.MAX, FloatVector.fromArray(FLOATS, x, at + b)).intoArray(m, b);
            for (; b < width; b++) m[b] = Math.max(m[b], x[at + b]);
        }
        for (int k = 0; k < len; k++) {
            int at = xOff + k * inner, ek = k * width, b = 0;
            for (; b < vectorWidth; b += LANES) {
                FloatVector d = FloatVector.fromArray(FLOATS, x, at + b).sub(FloatVector.fromArray(FLOATS, m, b)); // float x - max
                DoubleVector v = ((DoubleVector) d.convertShape(VectorOperators.F2D, DOUBLES, 0)).lanewise(VectorOperators.EXP);
                v.intoArray(e, ek + b);
                DoubleVector.fromArray(DOUBLES, s, b).add(v).intoArray(s, b);
            }
            for (; b < width; b++) {
                double v = Math.exp(x[at + b] - m[b]);
                e[ek + b] = v;
                s[b] += v;
            }
        }
        if (log) {
            for (int b = 0; b < width; b++) s[b] = Math.log(s[b]);
            for (int k = 0; k < len; k++)
                for (int b = 0, at = xOff + k * inner, to = oOff + k * inner; b < width; b++) out[to + b] = (float) (x[at + b] - m[b] - s[b]);
        } else {
            for (int b = 0; b < width; b++) s[b] = 1.0 / s[b];
            for (int k = 0; k < len; k++) {
                int to = oOff + k * inner, ek = k * width, b = 0;
                for (; b < vectorWidth; b += LANES) // (float) (e * (1 / sum)), a vector at a time
                    ((FloatVector) DoubleVector.fromArray(DOUBLES, e, ek + b).mul(DoubleVector.fromArray(DOUBLES, s, b)).convertShape(VectorOperators.D2F, FLOATS, 0)).intoArray(out, to + b);
                for (; b < width; b++) out[to + b] = (float) (e[ek + b] * s[b]);
            }
        }
    }

    /** softmax: gx = y * (gy - sum(gy*y)); log_softmax: gx = gy - exp(y) * sum(gy). */
    static Tensor softmaxBackward(CpuBackend b, Tensor y, Tensor gy, int d, boolean log) {
        Tensor yc = y.contiguous(), gc = gy.contiguous();
        Layout l = Layout.of(y.shape(), d);
        Tensor out = b.empty(y.dtype(), y.shape());
        Buf yb = Buf.of(yc), gb = Buf.of(gc), ob = Buf.of(out);
        int len = l.len(), inner = l.inner(), yo = yc.offset(), go = gc.offset();
        Parallel.forRange(l.outer() * inner, Math.max(1, 2048 / Math.max(len, 1)), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int o = p / inner, i = p % inner, off = o * len * inner + i;
                double s = 0;
                for (int k = 0; k < len; k++) {
                    int j = off + k * inner;
                    s += log ? gb.get(go + j) : gb.get(go + j) * yb.get(yo + j);
                }
                for (int k = 0; k < len; k++) {
                    int j = off + k * inner;
                    double yv = yb.get(yo + j), g = gb.get(go + j);
                    ob.set(j, log ? g - Math.exp(yv) * s : yv * (g - s));
                }
            }
        });
        return out;
    }
}
