package org.magnet4j.kernels.cpu;

import java.util.Arrays;
import org.magnet4j.tensor.Conv2dParams;

/**
 * The im2col matrix of one image (rows (channel, ki, kj), columns output pixels, zero outside the padded
 * input) produced row segment by row segment while the GEMM packs: an implicit-GEMM convolution. Nothing
 * of size C*kH*kW x outH*outW is ever written, so a 3x3 convolution reads its input (about 1/9 of the
 * im2col bytes) instead of streaming a matrix nine times its size through DRAM, and allocates nothing.
 */
final class Im2colPanels implements PanelSource {
    private final float[] x;
    private final int xOff, h, w, kH, kW, outW;
    private final int strideH, strideW, padH, padW, dilH, dilW;

    Im2colPanels(float[] x, int xOff, int h, int w, int kH, int kW, Conv2dParams p) {
        this.x = x;
        this.xOff = xOff;
        this.h = h;
        this.w = w;
        this.kH = kH;
        this.kW = kW;
        this.outW = p.outW(w, kW);
        strideH = p.strideH();
        strideW = p.strideW();
        padH = p.padH();
        padW = p.padW();
        dilH = p.dilationH();
        dilW = p.dilationW();
    }

    @Override public Segment row(int p, int j0, int cols, float[] buf) {
        int ch = p / (kH * kW), ki = (p / kW) % kH, kj = p % kW;
        int plane = xOff + ch * h * w;
        int ixBase = kj * dilW - padW;
        for (int j = j0, end = j0 + cols, at = 0; j < end; ) {
            int oy = j / outW, ox = j - oy * outW;
            int n = Math.min(end - j, outW - ox); // the rest of this output row within the segment
            int iy = oy * strideH - padH + ki * dilH;
            if (iy < 0 || iy >= h) Arrays.fill(buf, at, at + n, 0f);
            else fillRow(plane + iy * w, ixBase + ox * strideW, n, buf, at);
            j += n;
            at += n;
        }
        return new Segment(buf, 0);
    }

    /** n samples x[src + ix] for ix = ix0, ix0 + stride, ...; zero where ix falls outside [0, w). */
    private void fillRow(int src, int ix0, int n, float[] buf, int at) {
        int s = strideW;
        // Output positions [lo, hi) read inside the row; before lo and from hi on are padding.
        int lo = ix0 >= 0 ? 0 : Math.min(n, (-ix0 + s - 1) / s);
        int hi = ix0 >= w ? 0 : Math.min(n, (w - 1 - ix0) / s + 1);
        hi = Math.max(hi, lo);
        if (lo > 0) Arrays.fill(buf, at, at + lo, 0f);
        if (s == 1) System.arraycopy(x, src + ix0 + lo, buf, at + lo, hi - lo);
        else for (int i = lo, ix = src + ix0 + lo * s; i < hi; i++, ix += s) buf[at + i] = x[ix];
        if (hi < n) Arrays.fill(buf, at + hi, at + n, 0f);
    }
}
