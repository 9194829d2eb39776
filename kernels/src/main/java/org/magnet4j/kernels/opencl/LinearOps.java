package org.magnet4j.kernels.opencl;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Batched matmul on the tiled GEMM kernel (transposed operands are read in place), and convolution as im2col +
 * GEMM, batched over images and groups in one launch; columns are built for chunks of images to bound memory.
 */
final class LinearOps {
    private static final int TS = 16;
    /** Elements of im2col scratch per chunk of images. */
    private static final long COL_BUDGET = Long.getLong("magnet.opencl.colElements", 32L << 20);

    private final OpenClBackend be;

    LinearOps(OpenClBackend be) { this.be = be; }

    /** One operand of a GEMM: buffer, offset, leading dimension, transposed, two batch strides. */
    record Operand(Tensor t, int off, int ld, boolean trans, int s1, int s2) {}

    void gemm(DType type, int m, int n, int k, Operand a, Operand b, Operand c, int nb1, int nb2, boolean acc) {
        if (m == 0 || n == 0 || nb1 * nb2 == 0) return;
        be.launch("linear", type, "gemm").i32(m).i32(n).i32(k)
                .buf(a.t()).i32(a.off()).i32(a.ld()).i32(a.trans()).i32(a.s1()).i32(a.s2())
                .buf(b.t()).i32(b.off()).i32(b.ld()).i32(b.trans()).i32(b.s1()).i32(b.s2())
                .buf(c.t()).i32(c.off()).i32(c.ld()).i32(c.s1()).i32(c.s2()).i32(nb2).i32(acc)
                .run(new long[] {round(n), round(m), (long) nb1 * nb2}, new long[] {TS, TS, 1});
    }

    private static long round(int v) { return (v + TS - 1) / TS * TS; }

    /** A [B, rows, cols] view as a GEMM operand read in place when one of its matrix dims is unit-stride. */
    private Operand operand(Tensor t) {
        int[] s = t.strides(), sh = t.shape();
        if (s[2] == 1 || sh[2] == 1) return new Operand(t, t.offset(), s[1], false, s[0], 0);
        if (s[1] == 1 || sh[1] == 1) return new Operand(t, t.offset(), s[2], true, s[0], 0);
        Tensor c = be.copyOf(t);
        return new Operand(c, 0, sh[2], false, sh[1] * sh[2], 0);
    }

    Tensor matmul(Tensor a, Tensor b) {
        Tensor bb = be.here(b);
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = bb.size(2);
        Tensor out = k == 0 ? be.zeros(a.dtype(), batch, m, n) : be.empty(a.dtype(), batch, m, n);
        if (k == 0) return out;
        gemm(a.dtype(), m, n, k, operand(a), operand(bb), new Operand(out, 0, n, false, m * n, 0), batch, 1, false);
        return out;
    }

    private static boolean isPointwise(int kH, int kW, Conv2dParams p) {
        return kH == 1 && kW == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }

    private int chunk(int n, long perImage) { return (int) Math.max(1, Math.min(n, COL_BUDGET / Math.max(perImage, 1))); }

    private void im2col(DType t, Tensor x, int xOff, int imgs, int c, int h, int w, int kH, int kW, Conv2dParams p, Tensor col, int colOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW);
        long total = (long) imgs * c * kH * kW * oh * ow;
        be.launch("linear", t, "im2col").buf(x).i32(xOff).i32(c * h * w).i32(c).i32(h).i32(w).i32(kH).i32(kW)
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW()).i32(oh).i32(ow)
                .buf(col).i32(colOff).i32(c * kH * kW * oh * ow).i32((int) total).run(total);
    }

    Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        Tensor xc = be.contig(x), wc = be.contig(be.here(w));
        DType t = x.dtype();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int oh = p.outH(h, kH), ow = p.outW(wd, kW), l = oh * ow;
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor out = be.empty(t, n, o, oh, ow);
        Operand a = new Operand(wc, wc.offset(), kk, false, 0, og * kk);
        if (isPointwise(kH, kW, p)) {
            gemm(t, og, l, kk, a, new Operand(xc, xc.offset(), l, false, c * h * wd, cg * h * wd),
                    new Operand(out, 0, l, false, o * l, og * l), n, g, false);
        } else {
            int step = chunk(n, (long) rows * l);
            Tensor col = be.empty(t, step * rows * l);
            for (int i0 = 0; i0 < n; i0 += step) {
                int nc = Math.min(step, n - i0);
                im2col(t, xc, xc.offset() + i0 * c * h * wd, nc, c, h, wd, kH, kW, p, col, 0);
                gemm(t, og, l, kk, a, new Operand(col, 0, l, false, rows * l, kk * l),
                        new Operand(out, i0 * o * l, l, false, o * l, og * l), nc, g, false);
            }
        }
        if (bias != null) {
            Tensor bc = be.contig(be.here(bias));
            be.launch("linear", t, "add_bias").buf(out).buf(bc).i32(bc.offset()).i32(o).i32(l).i32(out.numel()).run(out.numel());
        }
        return out;
    }

    Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xs, Conv2dParams p) {
        Tensor gc = be.contig(gy), wc = be.contig(be.here(w));
        DType t = gy.dtype();
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int oh = gy.size(2), ow = gy.size(3), l = oh * ow;
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor gx = be.empty(t, xs);
        Operand a = new Operand(wc, wc.offset(), kk, true, 0, og * kk); // W_g^T: [kk, og]
        if (isPointwise(kH, kW, p)) {
            gemm(t, kk, l, og, a, new Operand(gc, gc.offset(), l, false, o * l, og * l),
                    new Operand(gx, 0, l, false, c * l, cg * l), n, g, false);
            return gx;
        }
        int step = chunk(n, (long) rows * l);
        Tensor col = be.empty(t, step * rows * l);
        for (int i0 = 0; i0 < n; i0 += step) {
            int nc = Math.min(step, n - i0);
            gemm(t, kk, l, og, a, new Operand(gc, gc.offset() + i0 * o * l, l, false, o * l, og * l),
                    new Operand(col, 0, l, false, rows * l, kk * l), nc, g, false);
            long total = (long) nc * c * h * wd;
            be.launch("linear", t, "col2im").buf(col).i32(rows * l).i32(c).i32(h).i32(wd).i32(kH).i32(kW)
                    .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW()).i32(oh).i32(ow)
                    .buf(gx).i32(i0 * c * h * wd).i32(c * h * wd).i32((int) total).run(total);
        }
        return gx;
    }

    Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] ws, Conv2dParams p) {
        Tensor gc = be.contig(gy), xc = be.contig(be.here(x));
        DType t = gy.dtype();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = ws[0], kH = ws[2], kW = ws[3], g = p.groups();
        int l = gy.size(2) * gy.size(3);
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor gw = be.zeros(t, ws);
        Operand cw = new Operand(gw, 0, kk, false, 0, og * kk);
        if (isPointwise(kH, kW, p)) {
            for (int img = 0; img < n; img++)
                gemm(t, og, kk, l, new Operand(gc, gc.offset() + img * o * l, l, false, 0, og * l),
                        new Operand(xc, xc.offset() + img * c * l, l, true, 0, kk * l), cw, 1, g, img > 0);
            return gw;
        }
        int step = chunk(n, (long) rows * l);
        Tensor col = be.empty(t, step * rows * l);
        for (int i0 = 0; i0 < n; i0 += step) {
            int nc = Math.min(step, n - i0);
            im2col(t, xc, xc.offset() + i0 * c * h * wd, nc, c, h, wd, kH, kW, p, col, 0);
            for (int j = 0; j < nc; j++) {
                int img = i0 + j;
                gemm(t, og, kk, l, new Operand(gc, gc.offset() + img * o * l, l, false, 0, og * l),
                        new Operand(col, j * rows * l, l, true, 0, kk * l), cw, 1, g, img > 0);
            }
        }
        return gw;
    }

    Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) {
        Tensor xc = be.contig(x);
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int l = p.outH(h, kH) * p.outW(wd, kW), rows = c * kH * kW;
        Tensor out = be.empty(x.dtype(), n, rows, l);
        im2col(x.dtype(), xc, xc.offset(), n, c, h, wd, kH, kW, p, out, 0);
        return out;
    }
}
