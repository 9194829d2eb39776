package org.magnet4j.kernels.cpu;

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
        Tensor out = b.empty(x.dtype(), x.shape());
        int len = l.len(), inner = l.inner(), base = c.offset();
        if (x.dtype() == DType.FLOAT32) {
            float[] xa = (float[]) ((CpuStorage) c.storage()).array, oa = (float[]) ((CpuStorage) out.storage()).array;
            Parallel.forRange(l.outer() * inner, Math.max(1, 2048 / Math.max(len, 1)), (lo, hi) -> {
                for (int p = lo; p < hi; p++) {
                    int o = p / inner, i = p % inner, off = o * len * inner + i;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < len; k++) m = Math.max(m, xa[base + off + k * inner]);
                    double s = 0;
                    for (int k = 0; k < len; k++) s += Math.exp(xa[base + off + k * inner] - m);
                    if (log) {
                        double ls = Math.log(s);
                        for (int k = 0; k < len; k++) oa[off + k * inner] = (float) (xa[base + off + k * inner] - m - ls);
                    } else {
                        double inv = 1.0 / s;
                        for (int k = 0; k < len; k++) oa[off + k * inner] = (float) (Math.exp(xa[base + off + k * inner] - m) * inv);
                    }
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
