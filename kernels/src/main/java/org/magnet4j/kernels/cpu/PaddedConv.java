package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Conv2dParams;

/**
 * A stride-1 convolution as a GEMM over a zero-padded copy of the image, computed on "extended" columns.
 * With the image padded to rows of wp = w + 2 padW floats, output pixel (oy, ox) becomes column
 * j = oy * wp + ox, and im2col row (channel, ki, kj) at column j is padded[channel][j + ki dilH wp + kj dilW]:
 * each im2col row is a contiguous slice of the padded image. So the GEMM packs B straight from the padded
 * copy with vector moves (no per-output-row bookkeeping, no im2col gaps to zero), at the price of computing
 * wp - outW throw-away columns per output row, which {@link #scatter} drops while it copies each finished tile
 * to the output with the epilogue (bias, residual, ReLU) applied on the way.
 * <p>
 * Same products, same K order, same epilogue arithmetic as the im2col path: results are bit-identical.
 */
final class PaddedConv implements PanelSource {
    private final float[] padded;
    private final int plane, wp, kH, kW, dilH, dilW, outH, outW;

    private PaddedConv(float[] padded, int plane, int wp, int kH, int kW, int dilH, int dilW, int outH, int outW) {
        this.padded = padded;
        this.plane = plane;
        this.wp = wp;
        this.kH = kH;
        this.kW = kW;
        this.dilH = dilH;
        this.dilW = dilW;
        this.outH = outH;
        this.outW = outW;
    }

    /**
     * Whether this path applies and pays: stride 1, and at most one column in eight thrown away (a 3x3 padding-1
     * convolution qualifies from 14 output columns on; HRNet's narrowest branches keep the im2col path).
     */
    static boolean suits(int w, int kW, Conv2dParams p) {
        if (p.strideH() != 1 || p.strideW() != 1) return false;
        int outW = p.outW(w, kW), wp = w + 2 * p.padW();
        return outW > 0 && 8L * (wp - outW) <= wp;
    }

    /** Floats of scratch {@link #of} needs for c channels of h x w. */
    static int paddedSize(int c, int h, int w, Conv2dParams p) { return c * (h + 2 * p.padH()) * (w + 2 * p.padW()); }

    /**
     * Pads channels [0, c) of the image at x[xOff] (c planes of h x w) into buf (of at least
     * {@link #paddedSize} floats; its old contents do not matter), channels split over the pool.
     */
    static PaddedConv of(float[] x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, float[] buf) {
        int padH = p.padH(), padW = p.padW(), hp = h + 2 * padH, wp = w + 2 * padW, plane = hp * wp;
        Parallel.forRange(c, Math.max(1, (1 << 15) / Math.max(1, plane)), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                int dst = ch * plane, src = xOff + ch * h * w;
                java.util.Arrays.fill(buf, dst, dst + padH * wp, 0f); // top rows
                for (int y = 0; y < h; y++) {
                    int row = dst + (y + padH) * wp;
                    java.util.Arrays.fill(buf, row, row + padW, 0f);
                    System.arraycopy(x, src + y * w, buf, row + padW, w);
                    java.util.Arrays.fill(buf, row + padW + w, row + wp, 0f);
                }
                java.util.Arrays.fill(buf, dst + (h + padH) * wp, dst + plane, 0f); // bottom rows
            }
        });
        return new PaddedConv(buf, plane, wp, kH, kW, p.dilationH(), p.dilationW(), p.outH(h, kH), p.outW(w, kW));
    }

    /** GEMM columns: every output row but the last carries wp - outW throw-away columns. */
    int columns() { return (outH - 1) * wp + outW; }

    @Override public Segment row(int p, int j0, int cols, float[] buf) {
        int ch = p / (kH * kW), ki = (p / kW) % kH, kj = p % kW;
        return new Segment(padded, ch * plane + ki * dilH * wp + kj * dilW + j0);
    }

    /**
     * Where the GEMM's finished tiles go: C row r is output plane out[outOff + r * outH * outW ...], and each
     * tile's columns are copied to their pixels (throw-away columns dropped) as relu?((c + bias[r]) + residual);
     * the residual, when given, is read at residual[residualOff + i] for output index i.
     */
    TileSink scatter(float[] out, int outOff, float[] bias, int biasOff, float[] residual, int residualOff, boolean relu) {
        int l = outH * outW;
        return (c, at, ldc, row0, col0, height, width) -> {
            for (int r = 0; r < height; r++) {
                int dstPlane = outOff + (row0 + r) * l;
                float b = bias == null ? 0f : bias[biasOff + row0 + r];
                int j = col0, end = col0 + width, src = at + r * ldc;
                int oy = j / wp, ox = j - oy * wp;
                while (j < end) {
                    int run = Math.min(end - j, wp - ox); // to the end of this extended row
                    int valid = Math.min(run, outW - ox);
                    if (valid > 0) {
                        int dst = dstPlane + oy * outW + ox;
                        ConvEpilogue.rowF(c, src, out, dst, valid, bias != null, b, residual, residualOff + dst, relu);
                    }
                    j += run;
                    src += run;
                    oy++;
                    ox = 0;
                }
            }
        };
    }
}
