package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.Conv2dParams;

/**
 * A convolution as a GEMM over a zero-padded copy of the image, computed on "extended" columns.
 * Stride 1: with the image padded to rows of wq = w + 2 padW floats, output pixel (oy, ox) becomes column
 * j = oy * wq + ox, and im2col row (channel, ki, kj) at column j is padded[channel][j + ki dilH wq + kj dilW]:
 * each im2col row is a contiguous slice of the padded image. Stride s: the padded image is stored as s x s phase
 * planes (phase (a, b) holds padded rows a, a + s, ... and columns b, b + s, ...; wq = ceil(padded width / s)),
 * and tap (ki, kj) reads phase (ki dilH mod s, kj dilW mod s) shifted by (ki dilH / s, kj dilW / s): again a
 * contiguous slice. So the GEMM packs B straight from the copy with vector moves (no per-output-row bookkeeping,
 * no gathers, no im2col gaps to zero), at the price of computing wq - outW throw-away columns per output row,
 * which {@link #scatter} drops while it copies each finished block to the output with the epilogue (bias,
 * residual, ReLU) applied on the way.
 * <p>
 * Same products, same K order, same epilogue arithmetic as the im2col path: results are bit-identical.
 */
final class PaddedConv implements PanelSource {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private final float[] padded;
    private final int plane, phase, wq, sH, sW, kH, kW, dilH, dilW, outH, outW;

    private PaddedConv(float[] padded, Geometry g, int kH, int kW, Conv2dParams p) {
        this.padded = padded;
        this.plane = g.plane();
        this.phase = g.hq * g.wq;
        this.wq = g.wq;
        this.sH = p.strideH();
        this.sW = p.strideW();
        this.kH = kH;
        this.kW = kW;
        this.dilH = p.dilationH();
        this.dilW = p.dilationW();
        this.outH = g.outH;
        this.outW = g.outW;
    }

    /** Sizes of the phase planes: hq x wq per phase, sH x sW phases per channel. */
    private record Geometry(int hp, int wp, int hq, int wq, int sH, int sW, int outH, int outW) {
        static Geometry of(int h, int w, int kH, int kW, Conv2dParams p) {
            int hp = h + 2 * p.padH(), wp = w + 2 * p.padW(), sH = p.strideH(), sW = p.strideW();
            return new Geometry(hp, wp, (hp + sH - 1) / sH, (wp + sW - 1) / sW, sH, sW, p.outH(h, kH), p.outW(w, kW));
        }

        int plane() { return sH * sW * hq * wq; }
    }

    /**
     * Whether this path applies and pays: at most one column in eight thrown away (a 3x3 padding-1 convolution
     * qualifies from 14 output columns on at stride 1, from 15 at stride 2; HRNet's narrowest branches keep the
     * im2col path), and a copy no larger than a few times the image.
     */
    static boolean suits(int w, int kW, Conv2dParams p) {
        int sW = p.strideW(), outW = p.outW(w, kW), wq = (w + 2 * p.padW() + sW - 1) / sW;
        return p.strideH() <= 4 && sW <= 4 && outW > 0 && 8L * (wq - outW) <= wq;
    }

    /** Floats of scratch {@link #of} needs for c channels of h x w. */
    static int paddedSize(int c, int h, int w, int kH, int kW, Conv2dParams p) { return c * Geometry.of(h, w, kH, kW, p).plane(); }

    /**
     * Pads channels [0, c) of the image at x[xOff] (c planes of h x w) into buf (of at least
     * {@link #paddedSize} floats; its old contents do not matter), channels split over the pool. Phases that no
     * tap reads (a strided 1x1 convolution reads one) are left as they are.
     */
    static PaddedConv of(float[] x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, float[] buf) {
        Geometry g = Geometry.of(h, w, kH, kW, p);
        boolean[] used = new boolean[g.sH * g.sW];
        for (int ki = 0; ki < kH; ki++)
            for (int kj = 0; kj < kW; kj++) used[(ki * p.dilationH() % g.sH) * g.sW + kj * p.dilationW() % g.sW] = true;
        int plane = g.plane(), padH = p.padH(), padW = p.padW();
        Parallel.forRange(c, Math.max(1, (1 << 15) / Math.max(1, plane)), (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++)
                for (int a = 0; a < g.sH; a++)
                    for (int b = 0; b < g.sW; b++)
                        if (used[a * g.sW + b]) fillPhase(x, xOff + ch * h * w, h, w, padH, padW, g, a, b, buf, ch * plane + (a * g.sW + b) * g.hq * g.wq);
        });
        return new PaddedConv(buf, g, kH, kW, p);
    }

    /** Phase (a, b) of one channel: row qy, column qx holds padded[qy sH + a][qx sW + b], zero outside the image. */
    private static void fillPhase(float[] x, int src, int h, int w, int padH, int padW, Geometry g, int a, int b, float[] buf, int dst) {
        int sW = g.sW, wq = g.wq;
        // Columns qx whose input column ix = qx sW + b - padW lies in [0, w).
        int lo = Math.min(wq, Math.max(0, (padW - b + sW - 1) / sW));
        int hi = Math.max(lo, Math.min(wq, (w + padW - b + sW - 1) / sW));
        for (int qy = 0; qy < g.hq; qy++) {
            int row = dst + qy * wq, iy = qy * g.sH + a - padH;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(buf, row, row + wq, 0f);
                continue;
            }
            java.util.Arrays.fill(buf, row, row + lo, 0f);
            int from = src + iy * w + lo * sW + b - padW;
            if (sW == 1) System.arraycopy(x, from, buf, row + lo, hi - lo);
            else if (sW == 2) everyOther(x, from, buf, row + lo, hi - lo);
            else for (int qx = lo; qx < hi; qx++, from += sW) buf[row + qx] = x[from];
            java.util.Arrays.fill(buf, row + hi, row + wq, 0f);
        }
    }

    /**
     * dst[at + i] = x[from + 2 i] for i in [0, n): a stride-2 phase row as vector moves (two loads, one shuffle per
     * VL floats), the scalar loop only for the tail and where the second load would leave the array. HRNet's
     * stride-2 convolutions spent about half their time in the scalar copy (256 -> 36 at 128x256: 10 ms a call).
     */
    private static void everyOther(float[] x, int from, float[] dst, int at, int n) {
        int i = 0;
        for (; i + VL <= n && from + 2 * (i + VL) <= x.length; i += VL) {
            FloatVector a = FloatVector.fromArray(S, x, from + 2 * i), b = FloatVector.fromArray(S, x, from + 2 * i + VL);
            a.rearrange(PairShuffles.EVEN, b).intoArray(dst, at + i);
        }
        for (; i < n; i++) dst[at + i] = x[from + 2 * i];
    }

    /** GEMM columns: every output row but the last carries wq - outW throw-away columns. */
    int columns() { return (outH - 1) * wq + outW; }

    @Override public Segment row(int p, int j0, int cols, float[] buf) { return new Segment(padded, inPlaceOffset(p) + j0); }

    /** The copy was just written and is read once per tap: cached, so the GEMM reads it in place. */
    @Override public float[] inPlaceArray() { return padded; }

    /**
     * Stride 1 only. Measured on 2026-12-01 (alternated JVMs): HRNet's stem 3x3 64 -> 64 at 128x256 took 8.0 ms in
     * place against 9.2-9.4 ms packed; the FPN's stride-2 layers were 10-17% slower in place (3x3 128 -> 128 at
     * 127x127 6.7 against 5.7 ms, 1x1 256 -> 512 5.2 against 4.6 ms), its 7x7 stem faster (7.3 against 9.4 ms, one
     * run, not adopted).
     */
    @Override public boolean inPlaceForManyRows() { return sH == 1 && sW == 1; }

    @Override public int inPlaceOffset(int p) {
        int ch = p / (kH * kW), dy = ((p / kW) % kH) * dilH, dx = (p % kW) * dilW;
        return ch * plane + ((dy % sH) * sW + dx % sW) * phase + (dy / sH) * wq + dx / sW;
    }

    /**
     * Where the GEMM's finished blocks go: C row r is output plane out[outOff + r * outH * outW ...], and each
     * block's columns are copied to their pixels (throw-away columns dropped), through {@code epilogue} when it is
     * not null (its residual indexed like out).
     */
    TileSink scatter(float[] out, int outOff, GemmEpilogue epilogue) {
        int l = outH * outW;
        return (c, at, ldc, row0, col0, height, width) -> {
            for (int r = 0; r < height; r++) {
                int dstPlane = outOff + (row0 + r) * l;
                int j = col0, end = col0 + width, src = at + r * ldc;
                int oy = j / wq, ox = j - oy * wq;
                while (j < end) {
                    int run = Math.min(end - j, wq - ox); // to the end of this extended row
                    int valid = Math.min(run, outW - ox);
                    if (valid > 0) {
                        int dst = dstPlane + oy * outW + ox;
                        if (epilogue == null) System.arraycopy(c, src, out, dst, valid);
                        else epilogue.copyRow(c, src, out, dst, valid, row0 + r);
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
