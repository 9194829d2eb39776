package org.magnet4j.kernels;

import org.magnet4j.tensor.InterpMode;

/**
 * Coordinate tables for interpolate and roi_align, defined once for every backend: the CPU kernels read them
 * directly, the device kernels (OpenCL and CUDA) receive them as buffers, so every backend samples the same points
 * with the same weights.
 */
public final class SamplingTables {
    private SamplingTables() {}

    /** Rounds to float when emulating float32 arithmetic: for + - * / of floats this equals the float op. */
    public static double rd(double v, boolean f32) { return f32 ? (float) v : v; }

    /** Taps along one axis: out[o] = w0[o] * in[i0[o]] + w1[o] * in[i1[o]] (nearest: w0 = 1, w1 = 0, i1 = i0). */
    public record Axis(int[] i0, int[] i1, double[] w0, double[] w1) {
        /** For each input index, the range [lo, hi) of outputs that read it (the tables are monotone). */
        public int[][] ranges(int in) {
            int[] lo = new int[in], hi = new int[in];
            java.util.Arrays.fill(lo, Integer.MAX_VALUE);
            for (int o = 0; o < i0.length; o++)
                for (int i : new int[] {i0[o], i1[o]}) {
                    lo[i] = Math.min(lo[i], o);
                    hi[i] = Math.max(hi[i], o + 1);
                }
            for (int i = 0; i < in; i++) if (lo[i] == Integer.MAX_VALUE) lo[i] = hi[i] = 0;
            return new int[][] {lo, hi};
        }
    }

    /**
     * PyTorch's source index rules. nearest: {@code nearest_idx} (in == out copies, out == 2*in halves, else
     * min(floorf(o * scale), in-1) with a float scale in/out or 1/scale_factor). bilinear:
     * {@code area_pixel_compute_scale} (scale in the input precision: float for float32) and
     * {@code compute_source_index_and_lambda} (source index in double, negative sources clamped to 0 unless
     * align_corners, i1 = i0 + (i0 < in-1), lambda1 = src - i0); an axis with in == out is copied, as PyTorch's
     * CPU kernel does even when a scale factor was given (e.g. 7 * 1.1 -> 7).
     */
    public static Axis axis(int in, int out, InterpMode mode, boolean alignCorners, double scaleFactor, boolean f32) {
        int[] i0 = new int[out], i1 = new int[out];
        double[] w0 = new double[out], w1 = new double[out];
        if (mode == InterpMode.NEAREST) {
            float scale = scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) in / (float) out;
            for (int o = 0; o < out; o++) {
                int s;
                if (out == in) s = o;
                else if (out == 2 * in) s = o >> 1;
                else s = Math.min((int) Math.floor((float) o * scale), in - 1);
                i0[o] = i1[o] = s;
                w0[o] = 1;
            }
            return new Axis(i0, i1, w0, w1);
        }
        if (out == in) {
            for (int o = 0; o < out; o++) {
                i0[o] = i1[o] = o;
                w0[o] = 1;
            }
            return new Axis(i0, i1, w0, w1);
        }
        double scale;
        if (alignCorners) scale = out > 1 ? rd((double) (in - 1) / (out - 1), f32) : 0;
        else scale = scaleFactor > 0 ? rd(1.0 / scaleFactor, f32) : rd((double) in / out, f32);
        // compute_source_index_and_lambda: the source index is computed in acc_type (double on CPU, also for
        // float32) from the scale rounded to the input precision; lambda1 is then rounded to that precision
        for (int o = 0; o < out; o++) {
            double src = alignCorners ? scale * o : Math.max(scale * (o + 0.5) - 0.5, 0);
            int s = (int) src;
            i0[o] = s;
            i1[o] = s + (s < in - 1 ? 1 : 0);
            double l1 = rd(src - s, f32);
            w1[o] = l1;
            w0[o] = rd(1 - l1, f32);
        }
        return new Axis(i0, i1, w0, w1);
    }

    /**
     * One box's roi_align sampling points (torchvision's roi_align_forward_kernel_impl / pre_calc_for_bilinear_interpolate,
     * in float or double), separable: row t = ph * gh + iy has taps (yl, yh) with weights (hy, ly) and is used when
     * yok; column u = pw * gw + ix likewise. A sample's weights are hy*hx, hy*lx, ly*hx, ly*lx; an unused tap is all
     * zeros. The CPU kernels read these arrays directly; {@link Roi} concatenates them for the devices.
     */
    public record RoiBox(int batch, int gh, int gw, double count, int[] yl, int[] yh, double[] hy, double[] ly, boolean[] yok,
                         int[] xl, int[] xh, double[] hx, double[] lx, boolean[] xok) {
        /** Box k of b (rows of {batch, x1, y1, x2, y2}) over a height x width map, oh x ow bins. */
        public static RoiBox of(double[] b, int k, int height, int width, int oh, int ow, double scale, int samplingRatio, boolean aligned,
                                boolean f32) {
            int o = k * 5;
            double offset = aligned ? 0.5 : 0.0;
            double sx = rd(b[o + 1] * scale - offset, f32), sy = rd(b[o + 2] * scale - offset, f32);
            double ex = rd(b[o + 3] * scale - offset, f32), ey = rd(b[o + 4] * scale - offset, f32);
            double rw = rd(ex - sx, f32), rh = rd(ey - sy, f32);
            if (!aligned) {
                rw = Math.max(rw, 1);
                rh = Math.max(rh, 1);
            }
            double bh = rd(rh / oh, f32), bw = rd(rw / ow, f32);
            int gh = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(bh);
            int gw = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(bw);
            double count = Math.max(gh * gw, 1);
            int nh = Math.max(gh, 0), nw = Math.max(gw, 0);
            int[] yl = new int[oh * nh], yh = new int[oh * nh], xl = new int[ow * nw], xh = new int[ow * nw];
            double[] hy = new double[oh * nh], ly = new double[oh * nh], hx = new double[ow * nw], lx = new double[ow * nw];
            boolean[] yok = new boolean[oh * nh], xok = new boolean[ow * nw];
            for (int ph = 0; ph < oh; ph++)
                for (int iy = 0; iy < nh; iy++)
                    tap(rd(rd(sy + rd(ph * bh, f32), f32) + rd(rd((iy + 0.5) * bh, f32) / gh, f32), f32), height, ph * nh + iy, yl, yh, hy, ly, yok, f32);
            for (int pw = 0; pw < ow; pw++)
                for (int ix = 0; ix < nw; ix++)
                    tap(rd(rd(sx + rd(pw * bw, f32), f32) + rd(rd((ix + 0.5) * bw, f32) / gw, f32), f32), width, pw * nw + ix, xl, xh, hx, lx, xok, f32);
            return new RoiBox((int) b[o], gh, gw, count, yl, yh, hy, ly, yok, xl, xh, hx, lx, xok);
        }

        /** bilinear_interpolate along one axis: unused outside [-1, size], clamp at 0, last pixel repeated. */
        private static void tap(double v, int size, int t, int[] lo, int[] hi, double[] wlo, double[] whi, boolean[] ok, boolean f32) {
            if (v < -1.0 || v > size) return;
            ok[t] = true;
            if (v <= 0) v = 0;
            int l = (int) v, h;
            if (l >= size - 1) {
                h = l = size - 1;
                v = l;
            } else h = l + 1;
            double lw = rd(v - l, f32);
            lo[t] = l;
            hi[t] = h;
            whi[t] = lw;
            wlo[t] = rd(1 - lw, f32);
        }
    }

    /** All boxes' {@link RoiBox} taps, concatenated; meta per box = {batch, gh, gw, yBase, xBase} (counts clamped at 0). */
    public static final class Roi {
        public final int[] meta;
        public final double[] count;
        public final GrowInts yl = new GrowInts(), yh = new GrowInts(), yok = new GrowInts(), xl = new GrowInts(), xh = new GrowInts(), xok = new GrowInts();
        public final GrowDoubles hy = new GrowDoubles(), ly = new GrowDoubles(), hx = new GrowDoubles(), lx = new GrowDoubles();

        public Roi(double[] b, int nk, int height, int width, int oh, int ow, double scale, int samplingRatio, boolean aligned, boolean f32) {
            meta = new int[nk * 5];
            count = new double[nk];
            for (int k = 0; k < nk; k++) {
                RoiBox box = RoiBox.of(b, k, height, width, oh, ow, scale, samplingRatio, aligned, f32);
                int o = k * 5;
                count[k] = box.count();
                meta[o] = box.batch();
                meta[o + 1] = Math.max(box.gh(), 0);
                meta[o + 2] = Math.max(box.gw(), 0);
                meta[o + 3] = yl.size;
                meta[o + 4] = xl.size;
                append(box.yl(), box.yh(), box.hy(), box.ly(), box.yok(), yl, yh, hy, ly, yok);
                append(box.xl(), box.xh(), box.hx(), box.lx(), box.xok(), xl, xh, hx, lx, xok);
            }
        }

        private static void append(int[] l, int[] h, double[] wl, double[] wh, boolean[] ok,
                                   GrowInts lo, GrowInts hi, GrowDoubles wlo, GrowDoubles whi, GrowInts oks) {
            for (int t = 0; t < l.length; t++) {
                lo.add(l[t]);
                hi.add(h[t]);
                wlo.add(wl[t]);
                whi.add(wh[t]);
                oks.add(ok[t] ? 1 : 0);
            }
        }
    }

    public static final class GrowInts {
        int[] a = new int[16];
        int size;

        void add(int v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        public int[] array() { return size == 0 ? new int[1] : java.util.Arrays.copyOf(a, size); }
    }

    public static final class GrowDoubles {
        double[] a = new double[16];
        int size;

        void add(double v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        public double[] array() { return size == 0 ? new double[1] : java.util.Arrays.copyOf(a, size); }
    }
}
