package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.Conv2dParams;

/**
 * The im2col matrix of one image (rows (channel, ki, kj), columns output pixels, zero outside the padded
 * input) produced row segment by row segment while the GEMM packs: an implicit-GEMM convolution. Nothing
 * of size C*kH*kW x outH*outW is ever written, so a 3x3 convolution reads its input (about 1/9 of the
 * im2col bytes) instead of streaming a matrix nine times its size through DRAM, and allocates nothing.
 * Most convolutions now take {@link PaddedConv}; this serves images so narrow that its throw-away columns
 * would cost more than the per-row bookkeeping here.
 */
final class Im2colPanels implements PanelSource {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Lane i reads element 2i: one gather per vector for stride-2 convolutions. */
    private static final int[] EVERY_OTHER = new int[VL];

    static {
        for (int i = 0; i < VL; i++) EVERY_OTHER[i] = 2 * i;
    }

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
        fill(p, j0, cols, buf, 0);
        return new Segment(buf, 0);
    }

    /** Columns [j0, j0 + cols) of im2col row p, written to buf from index start (also the explicit im2col). */
    void fill(int p, int j0, int cols, float[] buf, int start) {
        int ch = p / (kH * kW), ki = (p / kW) % kH, kj = p % kW;
        int plane = xOff + ch * h * w;
        int ixBase = kj * dilW - padW;
        for (int j = j0, end = j0 + cols, at = start; j < end; ) {
            int oy = j / outW, ox = j - oy * outW;
            int n = Math.min(end - j, outW - ox); // the rest of this output row within the segment
            int iy = oy * strideH - padH + ki * dilH;
            if (iy < 0 || iy >= h) zero(buf, at, at + n);
            else fillRow(plane + iy * w, ixBase + ox * strideW, n, buf, at);
            j += n;
            at += n;
        }
    }

    /**
     * n samples x[src + ix] for ix = ix0, ix0 + stride, ...; zero where ix falls outside [0, w). Runs are
     * short (an output row), so the copies are inline vector loops rather than arraycopy/fill calls.
     */
    private void fillRow(int src, int ix0, int n, float[] buf, int at) {
        int s = strideW;
        // Output positions [lo, hi) read inside the row; before lo and from hi on are padding.
        int lo = ix0 >= 0 ? 0 : Math.min(n, (-ix0 + s - 1) / s);
        int hi = ix0 >= w ? 0 : Math.min(n, (w - 1 - ix0) / s + 1);
        hi = Math.max(hi, lo);
        zero(buf, at, at + lo);
        int i = lo, from = src + ix0; // output i reads x[from + i * s]
        if (s == 1) {
            for (; i + VL <= hi; i += VL) FloatVector.fromArray(S, x, from + i).intoArray(buf, at + i);
        } else if (s == 2) {
            for (; i + VL <= hi; i += VL) FloatVector.fromArray(S, x, from + 2 * i, EVERY_OTHER, 0).intoArray(buf, at + i);
        }
        for (; i < hi; i++) buf[at + i] = x[from + i * s];
        zero(buf, at + hi, at + n);
    }

    private static void zero(float[] buf, int from, int to) {
        int i = from;
        for (; i + VL <= to; i += VL) FloatVector.zero(S).intoArray(buf, i);
        for (; i < to; i++) buf[i] = 0f;
    }
}
