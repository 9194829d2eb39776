package org.magnet4j.kernels.cpu;

import static org.magnet4j.kernels.SamplingTables.axis;

import java.util.Arrays;
import org.magnet4j.kernels.SamplingTables.Axis;
import org.magnet4j.kernels.SamplingTables.RoiBox;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Tensor;

/**
 * interpolate, grid_sample and roi_align with PyTorch 1.13 / torchvision 0.14 semantics, forward and backward.
 *
 * <p>Coordinates and weights are computed once per output row and column (separable tables) in the precision
 * PyTorch uses: float for float32 inputs, double for float64, except that legacy 'nearest' always works with a
 * float scale, as PyTorch's {@code nearest_idx}. The float32 forward paths of interpolate and roi_align run
 * on the float[] arrays directly; grid_sample and all backward passes compute in double and round once.
 */
final class SamplingKernels {
    private SamplingKernels() {}

    // ---- helpers ----------------------------------------------------------------------------------------------
    private static float[] floats(Tensor c) { return (float[]) ((CpuStorage) c.storage()).array; }

    private static double[] doubles(Tensor c) { return (double[]) ((CpuStorage) c.storage()).array; }

    /** A contiguous tensor of dtype (float32 or float64) holding a. */
    private static Tensor fromDoubles(CpuBackend be, DType dt, double[] a, int... shape) {
        if (dt == DType.FLOAT64) return Tensor.of(new CpuStorage(be, DType.FLOAT64, a, a.length), shape);
        Tensor out = be.empty(dt, shape);
        float[] o = floats(out);
        Parallel.forRange(a.length, 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) o[i] = (float) a[i];
        });
        return out;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    // ---- interpolate ------------------------------------------------------------------------------------------

    static Tensor interpolate(CpuBackend be, Tensor x, int oh, int ow, InterpMode mode, boolean alignCorners, double sh, double sw) {
        boolean f32 = x.dtype() == DType.FLOAT32, nearest = mode == InterpMode.NEAREST;
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), xo = xc.offset();
        Axis ay = axis(h, oh, mode, alignCorners, sh, f32), ax = axis(w, ow, mode, alignCorners, sw, f32);
        Tensor out = be.uninitialized(x.dtype(), n, c, oh, ow);
        int[] y0 = ay.i0(), y1 = ay.i1(), x0 = ax.i0(), x1 = ax.i1();
        int grain = Math.max(1, 8192 / ow);
        if (f32) {
            float[] xa = floats(xc), oa = floats(out);
            if (!nearest) {
                BilinearRows.resize(xa, xo, n * c, h, w, oh, ow, y0, y1, toFloat(ay.w0()), toFloat(ay.w1()), x0, x1, toFloat(ax.w0()), toFloat(ax.w1()), oa);
                return out;
            }
            Parallel.forRange(n * c * oh, grain, (lo, hi) -> { // nearest
                for (int r = lo; r < hi; r++) {
                    int p = r / oh, oy = r % oh, r0 = xo + p * h * w + y0[oy] * w, ob = r * ow;
                    for (int ox = 0; ox < ow; ox++) oa[ob + ox] = xa[r0 + x0[ox]];
                }
            });
            return out;
        }
        double[] xa = doubles(xc), oa = doubles(out);
        double[] wy0 = ay.w0(), wy1 = ay.w1(), wx0 = ax.w0(), wx1 = ax.w1();
        Parallel.forRange(n * c * oh, grain, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int p = r / oh, oy = r % oh, pb = xo + p * h * w, r0 = pb + y0[oy] * w, r1 = pb + y1[oy] * w, ob = r * ow;
                if (nearest) {
                    for (int ox = 0; ox < ow; ox++) oa[ob + ox] = xa[r0 + x0[ox]];
                    continue;
                }
                double a0 = wy0[oy], a1 = wy1[oy];
                for (int ox = 0; ox < ow; ox++) {
                    int c0 = x0[ox], c1 = x1[ox];
                    double b0 = wx0[ox], b1 = wx1[ox];
                    oa[ob + ox] = (xa[r0 + c0] * b0 + xa[r0 + c1] * b1) * a0 + (xa[r1 + c0] * b0 + xa[r1 + c1] * b1) * a1;
                }
            }
        });
        return out;
    }

    /** Scatters each output gradient to the forward taps with the forward weights; parallel over planes. */
    static Tensor interpolateBackward(CpuBackend be, Tensor gy, int[] xs, InterpMode mode, boolean alignCorners, double sh, double sw) {
        boolean f32 = gy.dtype() == DType.FLOAT32, nearest = mode == InterpMode.NEAREST;
        int h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3), planes = xs[0] * xs[1];
        Axis ay = axis(h, oh, mode, alignCorners, sh, f32), ax = axis(w, ow, mode, alignCorners, sw, f32);
        int[] y0 = ay.i0(), y1 = ay.i1(), x0 = ax.i0(), x1 = ax.i1();
        double[] wy0 = ay.w0(), wy1 = ay.w1(), wx0 = ax.w0(), wx1 = ax.w1();
        double[] g = gy.toDoubleArray(), gx = new double[planes * h * w];
        Parallel.forRange(planes, 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int pb = p * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    int r0 = pb + y0[oy] * w, r1 = pb + y1[oy] * w, ob = (p * oh + oy) * ow;
                    double a0 = wy0[oy], a1 = wy1[oy];
                    for (int ox = 0; ox < ow; ox++) {
                        double v = g[ob + ox];
                        if (nearest) {
                            gx[r0 + x0[ox]] += v;
                            continue;
                        }
                        int c0 = x0[ox], c1 = x1[ox];
                        double b0 = wx0[ox], b1 = wx1[ox];
                        gx[r0 + c0] += a0 * b0 * v;
                        gx[r0 + c1] += a0 * b1 * v;
                        gx[r1 + c0] += a1 * b0 * v;
                        gx[r1 + c1] += a1 * b1 * v;
                    }
                }
            }
        });
        return fromDoubles(be, gy.dtype(), gx, xs);
    }

    // ---- grid_sample ------------------------------------------------------------------------------------------

    /** grid_sampler_unnormalize: [-1, 1] to pixel coordinates; no clipping (zero padding). */
    private static double unnormalize(double g, int size, boolean alignCorners) {
        return alignCorners ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;
    }

    static Tensor gridSample(CpuBackend be, Tensor x, Tensor grid, boolean alignCorners) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), ho = grid.size(1), wo = grid.size(2);
        double[] xa = x.toDoubleArray(), ga = grid.toDoubleArray(), out = new double[n * c * ho * wo];
        Parallel.forRange(n * ho, Math.max(1, 2048 / Math.max(1, wo * c)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int b = r / ho, oy = r % ho;
                for (int ox = 0; ox < wo; ox++) {
                    int gi = (r * wo + ox) * 2;
                    double ix = unnormalize(ga[gi], w, alignCorners), iy = unnormalize(ga[gi + 1], h, alignCorners);
                    double fx = Math.floor(ix), fy = Math.floor(iy);
                    int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
                    double nw = (xe - ix) * (ys - iy), ne = (ix - xw) * (ys - iy), sw = (xe - ix) * (iy - yn), se = (ix - xw) * (iy - yn);
                    boolean inW = fx >= 0 && fx < w, inE = fx + 1 >= 0 && fx + 1 < w, inN = fy >= 0 && fy < h, inS = fy + 1 >= 0 && fy + 1 < h;
                    for (int ch = 0; ch < c; ch++) {
                        int base = (b * c + ch) * h * w;
                        double v = 0;
                        if (inN && inW) v += xa[base + yn * w + xw] * nw;
                        if (inN && inE) v += xa[base + yn * w + xe] * ne;
                        if (inS && inW) v += xa[base + ys * w + xw] * sw;
                        if (inS && inE) v += xa[base + ys * w + xe] * se;
                        out[((b * c + ch) * ho + oy) * wo + ox] = v;
                    }
                }
            }
        });
        return fromDoubles(be, x.dtype(), out, n, c, ho, wo);
    }

    /** {grad input, grad grid}: input gradients in parallel over planes, grid gradients over grid points. */
    static Tensor[] gridSampleBackward(CpuBackend be, Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), ho = grid.size(1), wo = grid.size(2), pts = ho * wo;
        double[] xa = x.toDoubleArray(), ga = grid.toDoubleArray(), g = gy.toDoubleArray();
        double[] gx = new double[xa.length], gg = new double[ga.length];
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int b = p / c, base = p * h * w;
                for (int q = 0; q < pts; q++) {
                    int gi = (b * pts + q) * 2;
                    double ix = unnormalize(ga[gi], w, alignCorners), iy = unnormalize(ga[gi + 1], h, alignCorners);
                    double fx = Math.floor(ix), fy = Math.floor(iy);
                    int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
                    boolean inW = fx >= 0 && fx < w, inE = fx + 1 >= 0 && fx + 1 < w, inN = fy >= 0 && fy < h, inS = fy + 1 >= 0 && fy + 1 < h;
                    double v = g[p * pts + q];
                    if (inN && inW) gx[base + yn * w + xw] += (xe - ix) * (ys - iy) * v;
                    if (inN && inE) gx[base + yn * w + xe] += (ix - xw) * (ys - iy) * v;
                    if (inS && inW) gx[base + ys * w + xw] += (xe - ix) * (iy - yn) * v;
                    if (inS && inE) gx[base + ys * w + xe] += (ix - xw) * (iy - yn) * v;
                }
            }
        });
        double multW = alignCorners ? (w - 1) / 2.0 : w / 2.0, multH = alignCorners ? (h - 1) / 2.0 : h / 2.0;
        Parallel.forRange(n * pts, Math.max(1, 1024 / Math.max(1, c)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int b = r / pts, q = r % pts, gi = r * 2;
                double ix = unnormalize(ga[gi], w, alignCorners), iy = unnormalize(ga[gi + 1], h, alignCorners);
                double fx = Math.floor(ix), fy = Math.floor(iy);
                int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
                boolean inW = fx >= 0 && fx < w, inE = fx + 1 >= 0 && fx + 1 < w, inN = fy >= 0 && fy < h, inS = fy + 1 >= 0 && fy + 1 < h;
                double gix = 0, giy = 0;
                for (int ch = 0; ch < c; ch++) {
                    int base = (b * c + ch) * h * w;
                    double v = g[(b * c + ch) * pts + q];
                    if (inN && inW) {
                        double t = xa[base + yn * w + xw] * v;
                        gix -= t * (ys - iy);
                        giy -= t * (xe - ix);
                    }
                    if (inN && inE) {
                        double t = xa[base + yn * w + xe] * v;
                        gix += t * (ys - iy);
                        giy -= t * (ix - xw);
                    }
                    if (inS && inW) {
                        double t = xa[base + ys * w + xw] * v;
                        gix -= t * (iy - yn);
                        giy += t * (xe - ix);
                    }
                    if (inS && inE) {
                        double t = xa[base + ys * w + xe] * v;
                        gix += t * (iy - yn);
                        giy += t * (ix - xw);
                    }
                }
                gg[gi] = gix * multW;
                gg[gi + 1] = giy * multH;
            }
        });
        return new Tensor[] {fromDoubles(be, x.dtype(), gx, x.shape()), fromDoubles(be, grid.dtype(), gg, grid.shape())};
    }

    // ---- roi_align --------------------------------------------------------------------------------------------

    static Tensor roiAlign(CpuBackend be, Tensor x, Tensor boxes, int oh, int ow, double scale, int samplingRatio, boolean aligned) {
        boolean f32 = x.dtype() == DType.FLOAT32;
        Tensor xc = x.contiguous();
        int c = x.size(1), h = x.size(2), w = x.size(3), xo = xc.offset(), nk = boxes.size(0);
        double[] b = boxes.toDoubleArray();
        Tensor out = be.uninitialized(x.dtype(), nk, c, oh, ow); // every element written
        for (int k = 0; k < nk; k++) {
            RoiBox g = RoiBox.of(b, k, h, w, oh, ow, scale, samplingRatio, aligned, f32);
            int gh = Math.max(g.gh(), 0), gw = Math.max(g.gw(), 0), kk = k;
            int[] yl = g.yl(), yh = g.yh(), xl = g.xl(), xh = g.xh();
            boolean[] yok = g.yok(), xok = g.xok();
            if (f32) {
                float[] xa = floats(xc), oa = floats(out);
                float[] hy = toFloat(g.hy()), ly = toFloat(g.ly()), hx = toFloat(g.hx()), lx = toFloat(g.lx());
                float count = (float) g.count();
                Parallel.forRange(c * oh, 1, (lo, hi) -> {
                    float[] acc = new float[ow];
                    for (int r = lo; r < hi; r++) {
                        int ch = r / oh, ph = r % oh, base = xo + (g.batch() * c + ch) * h * w;
                        Arrays.fill(acc, 0f);
                        for (int iy = 0; iy < gh; iy++) {
                            int t = ph * gh + iy;
                            if (!yok[t]) continue;
                            int rl = base + yl[t] * w, rh = base + yh[t] * w;
                            float wy0 = hy[t], wy1 = ly[t];
                            for (int pw = 0; pw < ow; pw++) {
                                float a = acc[pw];
                                for (int ix = 0, u = pw * gw; ix < gw; ix++, u++) {
                                    if (!xok[u]) continue;
                                    int cl = xl[u], chh = xh[u];
                                    float w1 = wy0 * hx[u], w2 = wy0 * lx[u], w3 = wy1 * hx[u], w4 = wy1 * lx[u];
                                    a += w1 * xa[rl + cl] + w2 * xa[rl + chh] + w3 * xa[rh + cl] + w4 * xa[rh + chh];
                                }
                                acc[pw] = a;
                            }
                        }
                        int ob = ((kk * c + ch) * oh + ph) * ow;
                        for (int pw = 0; pw < ow; pw++) oa[ob + pw] = acc[pw] / count;
                    }
                });
            } else {
                double[] xa = doubles(xc), oa = doubles(out);
                double[] hy = g.hy(), ly = g.ly(), hx = g.hx(), lx = g.lx();
                double count = g.count();
                Parallel.forRange(c * oh, 1, (lo, hi) -> {
                    double[] acc = new double[ow];
                    for (int r = lo; r < hi; r++) {
                        int ch = r / oh, ph = r % oh, base = xo + (g.batch() * c + ch) * h * w;
                        Arrays.fill(acc, 0);
                        for (int iy = 0; iy < gh; iy++) {
                            int t = ph * gh + iy;
                            if (!yok[t]) continue;
                            int rl = base + yl[t] * w, rh = base + yh[t] * w;
                            double wy0 = hy[t], wy1 = ly[t];
                            for (int pw = 0; pw < ow; pw++) {
                                double a = acc[pw];
                                for (int ix = 0, u = pw * gw; ix < gw; ix++, u++) {
                                    if (!xok[u]) continue;
                                    int cl = xl[u], chh = xh[u];
                                    double w1 = wy0 * hx[u], w2 = wy0 * lx[u], w3 = wy1 * hx[u], w4 = wy1 * lx[u];
                                    a += w1 * xa[rl + cl] + w2 * xa[rl + chh] + w3 * xa[rh + cl] + w4 * xa[rh + chh];
                                }
                                acc[pw] = a;
                            }
                        }
                        int ob = ((kk * c + ch) * oh + ph) * ow;
                        for (int pw = 0; pw < ow; pw++) oa[ob + pw] = acc[pw] / count;
                    }
                });
            }
        }
        return out;
    }

    /** Same sample weights, divided by the sample count; parallel over input planes, boxes of that batch. */
    static Tensor roiAlignBackward(CpuBackend be, Tensor gy, Tensor boxes, int[] xs, double scale, int samplingRatio, boolean aligned) {
        boolean f32 = gy.dtype() == DType.FLOAT32;
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3), nk = boxes.size(0);
        double[] b = boxes.toDoubleArray(), g = gy.toDoubleArray(), gx = new double[n * c * h * w];
        RoiBox[] geoms = new RoiBox[nk];
        for (int k = 0; k < nk; k++) geoms[k] = RoiBox.of(b, k, h, w, oh, ow, scale, samplingRatio, aligned, f32);
        Parallel.forRange(n * c, 1, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int bi = p / c, ch = p % c, base = p * h * w;
                for (int k = 0; k < nk; k++) {
                    RoiBox r = geoms[k];
                    if (r.batch() != bi) continue;
                    int gh = Math.max(r.gh(), 0), gw = Math.max(r.gw(), 0);
                    for (int ph = 0; ph < oh; ph++)
                        for (int pw = 0; pw < ow; pw++) {
                            double v = g[((k * c + ch) * oh + ph) * ow + pw] / r.count();
                            for (int iy = 0; iy < gh; iy++) {
                                int t = ph * gh + iy;
                                if (!r.yok()[t]) continue;
                                int rl = base + r.yl()[t] * w, rh = base + r.yh()[t] * w;
                                double wy0 = r.hy()[t], wy1 = r.ly()[t];
                                for (int ix = 0, u = pw * gw; ix < gw; ix++, u++) {
                                    if (!r.xok()[u]) continue;
                                    gx[rl + r.xl()[u]] += wy0 * r.hx()[u] * v;
                                    gx[rl + r.xh()[u]] += wy0 * r.lx()[u] * v;
                                    gx[rh + r.xl()[u]] += wy1 * r.hx()[u] * v;
                                    gx[rh + r.xh()[u]] += wy1 * r.lx()[u] * v;
                                }
                            }
                        }
                }
            }
        });
        return fromDoubles(be, gy.dtype(), gx, xs);
    }
}
