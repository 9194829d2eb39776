package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Convolution, its two gradients and unfold on a GPU as im2col (col2im for the input gradient) + batched GEMM over
 * images and groups; columns are built for chunks of images, at most colBudget elements, to bound memory. The
 * OpenCL backend's convolutions, and the CUDA backend's when cuDNN is absent or refuses a case. 1x1 stride-1
 * unpadded convolutions multiply the image in place.
 */
public final class Im2colConvolution {
    private final GpuBackend be;
    private final BatchedGemm gemm;
    private final long colBudget;

    public Im2colConvolution(GpuBackend be, BatchedGemm gemm, long colBudget) {
        this.be = be;
        this.gemm = gemm;
        this.colBudget = colBudget;
    }

    private static boolean isPointwise(int kH, int kW, Conv2dParams p) {
        return kH == 1 && kW == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }

    private int chunk(int n, long perImage) { return (int) Math.max(1, Math.min(n, colBudget / Math.max(perImage, 1))); }

    private void im2col(DType t, Tensor x, int xOff, int imgs, int c, int h, int w, int kH, int kW, Conv2dParams p, Tensor col, int colOff) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW);
        long total = (long) imgs * c * kH * kW * oh * ow;
        be.launch("linear", t, "im2col").buf(x).i32(xOff).i32(c * h * w).i32(c).i32(h).i32(w).i32(kH).i32(kW)
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW()).i32(oh).i32(ow)
                .buf(col).i32(colOff).i32(c * kH * kW * oh * ow).i32((int) total).run(total);
    }

    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        Tensor xc = be.contig(x), wc = be.contig(be.here(w));
        DType t = x.dtype();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int oh = p.outH(h, kH), ow = p.outW(wd, kW), l = oh * ow;
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor out = be.empty(t, n, o, oh, ow);
        if (out.numel() == 0) return out;
        GemmOperand a = new GemmOperand(wc, wc.offset(), kk, false, 0, og * kk);
        if (isPointwise(kH, kW, p)) {
            gemm.gemm(t, og, l, kk, a, new GemmOperand(xc, xc.offset(), l, false, c * h * wd, cg * h * wd),
                    new GemmOperand(out, 0, l, false, o * l, og * l), n, g, false);
        } else {
            int step = chunk(n, (long) rows * l);
            Tensor col = be.empty(t, step * rows * l);
            for (int i0 = 0; i0 < n; i0 += step) {
                int nc = Math.min(step, n - i0);
                im2col(t, xc, xc.offset() + i0 * c * h * wd, nc, c, h, wd, kH, kW, p, col, 0);
                gemm.gemm(t, og, l, kk, a, new GemmOperand(col, 0, l, false, rows * l, kk * l),
                        new GemmOperand(out, i0 * o * l, l, false, o * l, og * l), nc, g, false);
            }
        }
        if (bias != null) {
            Tensor bc = be.contig(be.here(bias));
            be.launch("linear", t, "add_bias").buf(out).buf(bc).i32(bc.offset()).i32(o).i32(l).i32(out.numel()).run(out.numel());
        }
        return out;
    }

    public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xs, Conv2dParams p) {
        Tensor gc = be.contig(gy), wc = be.contig(be.here(w));
        DType t = gy.dtype();
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int oh = gy.size(2), ow = gy.size(3), l = oh * ow;
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor gx = be.empty(t, xs);
        if (gx.numel() == 0) return gx;
        GemmOperand a = new GemmOperand(wc, wc.offset(), kk, true, 0, og * kk); // W_g^T: [kk, og]
        if (isPointwise(kH, kW, p)) {
            gemm.gemm(t, kk, l, og, a, new GemmOperand(gc, gc.offset(), l, false, o * l, og * l),
                    new GemmOperand(gx, 0, l, false, c * l, cg * l), n, g, false);
            return gx;
        }
        int step = chunk(n, (long) rows * l);
        Tensor col = be.empty(t, step * rows * l);
        for (int i0 = 0; i0 < n; i0 += step) {
            int nc = Math.min(step, n - i0);
            gemm.gemm(t, kk, l, og, a, new GemmOperand(gc, gc.offset() + i0 * o * l, l, false, o * l, og * l),
                    new GemmOperand(col, 0, l, false, rows * l, kk * l), nc, g, false);
            long total = (long) nc * c * h * wd;
            be.launch("linear", t, "col2im").buf(col).i32(rows * l).i32(c).i32(h).i32(wd).i32(kH).i32(kW)
                    .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW()).i32(oh).i32(ow)
                    .buf(gx).i32(i0 * c * h * wd).i32(c * h * wd).i32((int) total).run(total);
        }
        return gx;
    }

    public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] ws, Conv2dParams p) {
        Tensor gc = be.contig(gy), xc = be.contig(be.here(x));
        DType t = gy.dtype();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = ws[0], kH = ws[2], kW = ws[3], g = p.groups();
        int l = gy.size(2) * gy.size(3);
        int cg = c / g, og = o / g, kk = cg * kH * kW, rows = c * kH * kW;
        Tensor gw = be.zeros(t, ws);
        GemmOperand cw = new GemmOperand(gw, 0, kk, false, 0, og * kk);
        if (isPointwise(kH, kW, p)) {
            for (int img = 0; img < n; img++)
                gemm.gemm(t, og, kk, l, new GemmOperand(gc, gc.offset() + img * o * l, l, false, 0, og * l),
                        new GemmOperand(xc, xc.offset() + img * c * l, l, true, 0, kk * l), cw, 1, g, img > 0);
            return gw;
        }
        int step = chunk(n, (long) rows * l);
        Tensor col = be.empty(t, step * rows * l);
        for (int i0 = 0; i0 < n; i0 += step) {
            int nc = Math.min(step, n - i0);
            im2col(t, xc, xc.offset() + i0 * c * h * wd, nc, c, h, wd, kH, kW, p, col, 0);
            for (int j = 0; j < nc; j++) {
                int img = i0 + j;
                gemm.gemm(t, og, kk, l, new GemmOperand(gc, gc.offset() + img * o * l, l, false, 0, og * l),
                        new GemmOperand(col, j * rows * l, l, true, 0, kk * l), cw, 1, g, img > 0);
            }
        }
        return gw;
    }

    public Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) {
        Tensor xc = be.contig(x);
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int l = p.outH(h, kH) * p.outW(wd, kW), rows = c * kH * kW;
        Tensor out = be.empty(x.dtype(), n, rows, l);
        if (out.numel() == 0) return out;
        im2col(x.dtype(), xc, xc.offset(), n, c, h, wd, kH, kW, p, out, 0);
        return out;
    }
}
