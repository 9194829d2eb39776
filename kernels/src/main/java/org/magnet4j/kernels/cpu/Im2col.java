package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Conv2dParams;

/**
 * im2col and its adjoint col2im for one image: columns are [C*kH*kW, outH*outW], row (c, ki, kj),
 * zero outside the padded input. float32 and float64 variants (the latter for float64 checks).
 */
final class Im2col {
    private Im2col() {}

    static void im2col(float[] x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, float[] col, int colOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW), l = oh * ow;
        Parallel.forRange(c * kH * kW, Math.max(1, 8192 / Math.max(l, 1)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int ch = row / (kH * kW), ki = (row / kW) % kH, kj = row % kW;
                int dst = colOff + row * l;
                int src = xOff + ch * h * w;
                for (int y = 0; y < oh; y++) {
                    int iy = y * p.strideH() - p.padH() + ki * p.dilationH();
                    int d = dst + y * ow;
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(col, d, d + ow, 0f);
                        continue;
                    }
                    int srow = src + iy * w;
                    int ix0 = -p.padW() + kj * p.dilationW(), sw = p.strideW();
                    for (int xx = 0; xx < ow; xx++) {
                        int ix = ix0 + xx * sw;
                        col[d + xx] = ix >= 0 && ix < w ? x[srow + ix] : 0f;
                    }
                }
            }
        });
    }

    static void im2col(double[] x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, double[] col, int colOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW), l = oh * ow;
        for (int row = 0; row < c * kH * kW; row++) {
            int ch = row / (kH * kW), ki = (row / kW) % kH, kj = row % kW;
            for (int y = 0; y < oh; y++) {
                int iy = y * p.strideH() - p.padH() + ki * p.dilationH();
                for (int xx = 0; xx < ow; xx++) {
                    int ix = xx * p.strideW() - p.padW() + kj * p.dilationW();
                    col[colOff + row * l + y * ow + xx] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[xOff + (ch * h + iy) * w + ix] : 0;
                }
            }
        }
    }

    /** Adds columns back into the image (the adjoint of im2col); parallel over channels, which never collide. */
    static void col2im(float[] col, int colOff, int c, int h, int w, int kH, int kW, Conv2dParams p, float[] x, int xOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW), l = oh * ow;
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++)
                for (int ki = 0; ki < kH; ki++)
                    for (int kj = 0; kj < kW; kj++) {
                        int row = (ch * kH + ki) * kW + kj;
                        for (int y = 0; y < oh; y++) {
                            int iy = y * p.strideH() - p.padH() + ki * p.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            for (int xx = 0; xx < ow; xx++) {
                                int ix = xx * p.strideW() - p.padW() + kj * p.dilationW();
                                if (ix >= 0 && ix < w) x[xOff + (ch * h + iy) * w + ix] += col[colOff + row * l + y * ow + xx];
                            }
                        }
                    }
        });
    }

    static void col2im(double[] col, int colOff, int c, int h, int w, int kH, int kW, Conv2dParams p, double[] x, int xOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW), l = oh * ow;
        for (int ch = 0; ch < c; ch++)
            for (int ki = 0; ki < kH; ki++)
                for (int kj = 0; kj < kW; kj++) {
                    int row = (ch * kH + ki) * kW + kj;
                    for (int y = 0; y < oh; y++) {
                        int iy = y * p.strideH() - p.padH() + ki * p.dilationH();
                        if (iy < 0 || iy >= h) continue;
                        for (int xx = 0; xx < ow; xx++) {
                            int ix = xx * p.strideW() - p.padW() + kj * p.dilationW();
                            if (ix >= 0 && ix < w) x[xOff + (ch * h + iy) * w + ix] += col[colOff + row * l + y * ow + xx];
                        }
                    }
                }
    }
}
