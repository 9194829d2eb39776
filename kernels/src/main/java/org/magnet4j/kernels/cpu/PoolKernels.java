package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/** Max, average and adaptive average pooling with PyTorch's window and divisor rules. Parallel over planes. */
final class PoolKernels {
    private PoolKernels() {}

    static Tensor[] maxPool2d(CpuBackend be, Tensor x, Pool2dParams p) {
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = p.outH(h), ow = p.outW(w);
        Tensor out = be.empty(x.dtype(), n, c, oh, ow), idx = be.empty(DType.INT64, n, c, oh, ow);
        long[] ia = (long[]) ((CpuStorage) idx.storage()).array;
        int xo = xc.offset();
        if (x.dtype() == DType.FLOAT32) {
            float[] xa = (float[]) ((CpuStorage) xc.storage()).array, oa = (float[]) ((CpuStorage) out.storage()).array;
            Parallel.forRange(n * c, 1, (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) maxPlane(xa, xo + pl * h * w, h, w, p, oa, ia, pl * oh * ow, oh, ow);
            });
            return new Tensor[] {out, idx};
        }
        Buf xb = Buf.of(xc), ob = Buf.of(out);
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int base = xo + pl * h * w;
                for (int y = 0; y < oh; y++) {
                    int y0 = y * p.strideH() - p.padH(), y1 = Math.min(y0 + p.kH(), h);
                    y0 = Math.max(y0, 0);
                    for (int xx = 0; xx < ow; xx++) {
                        int x0 = xx * p.strideW() - p.padW(), x1 = Math.min(x0 + p.kW(), w);
                        x0 = Math.max(x0, 0);
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = y0 * w + x0;
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) {
                                double v = xb.get(base + iy * w + ix);
                                if (v > best || Double.isNaN(v)) {
                                    best = v;
                                    arg = iy * w + ix;
                                    if (Double.isNaN(v)) { iy = y1; break; }
                                }
                            }
                        int o = (pl * oh + y) * ow + xx;
                        ob.set(o, best);
                        ia[o] = arg;
                    }
                }
            }
        });
        return new Tensor[] {out, idx};
    }

    /**
     * Max pooling's output alone (no indices: inference). float32 planes take {@link #maxValuesPlane}; float64
     * keeps the general loop.
     */
    static Tensor maxPool2dValues(CpuBackend be, Tensor x, Pool2dParams p) {
        if (x.dtype() != DType.FLOAT32) return maxPool2d(be, x, p)[0];
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = p.outH(h), ow = p.outW(w);
        Tensor out = be.uninitialized(x.dtype(), n, c, oh, ow); // every element written
        float[] xa = (float[]) ((CpuStorage) xc.storage()).array, oa = (float[]) ((CpuStorage) out.storage()).array;
        int xo = xc.offset();
        int[] lanes = new int[VL]; // lane i reads input column i * stride (a gather when stride > 1)
        for (int i = 0; i < VL; i++) lanes[i] = i * p.strideW();
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) maxValuesPlane(xa, xo + pl * h * w, h, w, p, lanes, oa, pl * oh * ow, oh, ow);
        });
        return out;
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final VectorShuffle<Float> EVEN = PairShuffles.EVEN;

    /**
     * One float32 plane of max pooling values, the rule of {@link #maxPlane} (first strict maximum, first NaN
     * sticky, window in row-major order) as one branch-free update, best = v where
     * {@code best == best && (v > best || v != v)}, run on VL output columns at once wherever their windows lie
     * inside the row, and element by element at the row's ends. At stride 2 a window tap's VL columns are the even
     * lanes of two contiguous vectors (a two-vector shuffle; the second vector reads one float past the window, so
     * those columns stop one short of the row's end); other strides gather (ResNet's 3x3 stride-2 pool over
     * 64 x 254 x 254: 2.53 ms with the shuffle, 2.65 ms with the gather, alone, 2026-12-01).
     */
    private static void maxValuesPlane(float[] x, int base, int h, int w, Pool2dParams p, int[] lanes, float[] o, int obase, int oh, int ow) {
        int sW = p.strideW(), kW = p.kW(), pW = p.padW();
        // Output columns [xLo, xHi) have windows [xx*sW - pW, xx*sW - pW + kW) inside [0, w).
        int xLo = Math.min(ow, (pW + sW - 1) / sW), xHi = Math.max(xLo, Math.min(ow, w + pW - kW < 0 ? 0 : (w + pW - kW) / sW + 1));
        boolean pairs = sW == 2;
        if (pairs) xHi = Math.max(xLo, Math.min(xHi, w + pW - kW - 1 < 0 ? 0 : (w + pW - kW - 1) / 2 + 1));
        FloatVector negInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int y = 0; y < oh; y++) {
            int y0 = y * p.strideH() - p.padH(), y1 = Math.min(y0 + p.kH(), h);
            y0 = Math.max(y0, 0);
            int orow = obase + y * ow;
            int xx = 0;
            for (; xx < xLo; xx++) o[orow + xx] = maxWindow(x, base, w, y0, y1, xx * sW - pW, kW);
            for (; xx < xHi && xHi - xLo >= VL; xx += VL) {
                xx = Math.min(xx, xHi - VL); // the last vector overlaps the one before: same values written twice
                FloatVector best = negInf;
                for (int iy = y0; iy < y1; iy++) {
                    int at = base + iy * w + xx * sW - pW;
                    for (int kj = 0; kj < kW; kj++) {
                        FloatVector v = sW == 1 ? FloatVector.fromArray(S, x, at + kj)
                                : pairs ? FloatVector.fromArray(S, x, at + kj).rearrange(EVEN, FloatVector.fromArray(S, x, at + kj + VL))
                                : FloatVector.fromArray(S, x, at + kj, lanes, 0);
                        var take = best.compare(VectorOperators.EQ, best)
                                .and(v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v)));
                        best = best.blend(v, take);
                    }
                }
                best.intoArray(o, orow + xx);
            }
            for (; xx < ow; xx++) o[orow + xx] = maxWindow(x, base, w, y0, y1, xx * sW - pW, kW);
        }
    }

    /** One window, clipped to the row, by the same rule. */
    private static float maxWindow(float[] x, int base, int w, int y0, int y1, int x0, int kW) {
        int x1 = Math.min(x0 + kW, w);
        x0 = Math.max(x0, 0);
        float best = Float.NEGATIVE_INFINITY;
        for (int iy = y0; iy < y1; iy++)
            for (int i = base + iy * w + x0, end = i + x1 - x0; i < end; i++) {
                float v = x[i];
                if (best == best && (v > best || v != v)) best = v;
            }
        return best;
    }

    /**
     * One float32 plane of max pooling, reading the array directly. Same rule as the general loop: the first
     * strict maximum wins, and the first NaN wins and ends the window (PyTorch propagates NaN); the NaN test
     * only runs when the comparison fails.
     */
    private static void maxPlane(float[] x, int base, int h, int w, Pool2dParams p, float[] o, long[] ia, int obase, int oh, int ow) {
        for (int y = 0; y < oh; y++) {
            int y0 = y * p.strideH() - p.padH(), y1 = Math.min(y0 + p.kH(), h);
            y0 = Math.max(y0, 0);
            for (int xx = 0; xx < ow; xx++) {
                int x0 = xx * p.strideW() - p.padW(), x1 = Math.min(x0 + p.kW(), w);
                x0 = Math.max(x0, 0);
                float best = Float.NEGATIVE_INFINITY;
                int arg = y0 * w + x0;
                window:
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0, i = base + iy * w + x0; ix < x1; ix++, i++) {
                        float v = x[i];
                        if (v > best) {
                            best = v;
                            arg = iy * w + ix;
                        } else if (v != v) {
                            best = v;
                            arg = iy * w + ix;
                            break window;
                        }
                    }
                int oi = obase + y * ow + xx;
                o[oi] = best;
                ia[oi] = arg;
            }
        }
    }

    static Tensor maxPool2dBackward(CpuBackend be, Tensor gy, Tensor indices, int[] xs) {
        Tensor gc = gy.contiguous(), ic = indices.contiguous();
        Tensor gx = be.empty(gy.dtype(), xs);
        Buf gb = Buf.of(gc), xb = Buf.of(gx);
        long[] ia = (long[]) ((CpuStorage) ic.storage()).array;
        int planes = xs[0] * xs[1], hw = xs[2] * xs[3], ohw = gy.size(2) * gy.size(3);
        int go = gc.offset(), io = ic.offset();
        Parallel.forRange(planes, 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++)
                for (int i = 0; i < ohw; i++) {
                    int t = pl * hw + (int) ia[io + pl * ohw + i];
                    xb.set(t, xb.get(t) + gb.get(go + pl * ohw + i));
                }
        });
        return gx;
    }

    /** PyTorch: window clipped to the padded input for the divisor (count_include_pad), then to the input. */
    private static int[] window(int o, int s, int pad, int k, int size) {
        int start = o * s - pad, end = Math.min(start + k, size + pad);
        int padded = end - start;
        start = Math.max(start, 0);
        end = Math.min(end, size);
        return new int[] {start, end, padded};
    }

    static Tensor avgPool2d(CpuBackend be, Tensor x, Pool2dParams p) {
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = p.outH(h), ow = p.outW(w);
        Tensor out = be.empty(x.dtype(), n, c, oh, ow);
        Buf xb = Buf.of(xc), ob = Buf.of(out);
        int xo = xc.offset();
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++)
                for (int y = 0; y < oh; y++) {
                    int[] wy = window(y, p.strideH(), p.padH(), p.kH(), h);
                    for (int xx = 0; xx < ow; xx++) {
                        int[] wx = window(xx, p.strideW(), p.padW(), p.kW(), w);
                        double s = 0;
                        for (int iy = wy[0]; iy < wy[1]; iy++)
                            for (int ix = wx[0]; ix < wx[1]; ix++) s += xb.get(xo + pl * h * w + iy * w + ix);
                        int div = p.countIncludePad() ? wy[2] * wx[2] : (wy[1] - wy[0]) * (wx[1] - wx[0]);
                        ob.set((pl * oh + y) * ow + xx, s / div);
                    }
                }
        });
        return out;
    }

    static Tensor avgPool2dBackward(CpuBackend be, Tensor gy, int[] xs, Pool2dParams p) {
        Tensor gc = gy.contiguous();
        int h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3);
        Tensor gx = be.empty(gy.dtype(), xs);
        Buf gb = Buf.of(gc), xb = Buf.of(gx);
        int go = gc.offset();
        Parallel.forRange(xs[0] * xs[1], 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++)
                for (int y = 0; y < oh; y++) {
                    int[] wy = window(y, p.strideH(), p.padH(), p.kH(), h);
                    for (int xx = 0; xx < ow; xx++) {
                        int[] wx = window(xx, p.strideW(), p.padW(), p.kW(), w);
                        int div = p.countIncludePad() ? wy[2] * wx[2] : (wy[1] - wy[0]) * (wx[1] - wx[0]);
                        double g = gb.get(go + (pl * oh + y) * ow + xx) / div;
                        for (int iy = wy[0]; iy < wy[1]; iy++)
                            for (int ix = wx[0]; ix < wx[1]; ix++) {
                                int t = pl * h * w + iy * w + ix;
                                xb.set(t, xb.get(t) + g);
                            }
                    }
                }
        });
        return gx;
    }

    static Tensor adaptiveAvgPool2d(CpuBackend be, Tensor x, int oh, int ow) {
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Tensor out = be.empty(x.dtype(), n, c, oh, ow);
        Buf xb = Buf.of(xc), ob = Buf.of(out);
        int xo = xc.offset();
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++)
                for (int y = 0; y < oh; y++) {
                    int y0 = y * h / oh, y1 = ((y + 1) * h + oh - 1) / oh;
                    for (int xx = 0; xx < ow; xx++) {
                        int x0 = xx * w / ow, x1 = ((xx + 1) * w + ow - 1) / ow;
                        double s = 0;
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) s += xb.get(xo + pl * h * w + iy * w + ix);
                        ob.set((pl * oh + y) * ow + xx, s / ((y1 - y0) * (x1 - x0)));
                    }
                }
        });
        return out;
    }

    static Tensor adaptiveAvgPool2dBackward(CpuBackend be, Tensor gy, int[] xs) {
        Tensor gc = gy.contiguous();
        int h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3);
        Tensor gx = be.empty(gy.dtype(), xs);
        Buf gb = Buf.of(gc), xb = Buf.of(gx);
        int go = gc.offset();
        Parallel.forRange(xs[0] * xs[1], 1, (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++)
                for (int y = 0; y < oh; y++) {
                    int y0 = y * h / oh, y1 = ((y + 1) * h + oh - 1) / oh;
                    for (int xx = 0; xx < ow; xx++) {
                        int x0 = xx * w / ow, x1 = ((xx + 1) * w + ow - 1) / ow;
                        double g = gb.get(go + (pl * oh + y) * ow + xx) / ((y1 - y0) * (x1 - x0));
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) {
                                int t = pl * h * w + iy * w + ix;
                                xb.set(t, xb.get(t) + g);
                            }
                    }
                }
        });
        return gx;
    }
}
