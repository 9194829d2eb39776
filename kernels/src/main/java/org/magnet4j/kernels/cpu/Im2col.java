package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Conv2dParams;

/**
 * im2col and its adjoint col2im for one image: columns are [C*kH*kW, outH*outW], row (c, ki, kj),
 * zero outside the padded input. float32 and float64 variants (the latter for float64 checks).
 */
final class Im2col {
    private Im2col() {}

    /** One im2col row at a time through {@link Im2colPanels#fill}, the rows the implicit-GEMM convolution packs. */
    static void im2col(float[] x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, float[] col, int colOff) {
        int l = p.outH(h, kH) * p.outW(w, kW);
        Im2colPanels rows = new Im2colPanels(x, xOff, h, w, kH, kW, p);
        Parallel.forRange(c * kH * kW, Math.max(1, 8192 / Math.max(l, 1)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) rows.fill(row, 0, l, col, colOff + row * l);
        });
    }

    /** First output column whose input column ix0 + xx*stride is >= 0. */
    private static int validFrom(int ix0, int stride, int ow) { return ix0 >= 0 ? 0 : Math.min(ow, Math.ceilDiv(-ix0, stride)); }

    /** One past the last output column whose input column ix0 + xx*stride is < w. */
    private static int validTo(int ix0, int stride, int w, int ow) { return Math.max(0, Math.min(ow, Math.ceilDiv(w - ix0, stride))); }

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
        int oh = p.outH(h, kH), ow = p.outW(w, kW), l = oh * ow, sw = p.strideW();
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++)
                for (int ki = 0; ki < kH; ki++)
                    for (int kj = 0; kj < kW; kj++) {
                        int row = (ch * kH + ki) * kW + kj;
                        int ix0 = kj * p.dilationW() - p.padW();
                        int xLo = validFrom(ix0, sw, ow), xHi = Math.max(xLo, validTo(ix0, sw, w, ow));
                        for (int y = 0; y < oh; y++) {
                            int iy = y * p.strideH() - p.padH() + ki * p.dilationH();
                            if (iy < 0 || iy >= h) continue;
                            int s = colOff + row * l + y * ow, t = xOff + (ch * h + iy) * w + ix0;
                            for (int xx = xLo; xx < xHi; xx++) x[t + xx * sw] += col[s + xx];
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
