package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Batched matmul and convolution as GEMM: float32 convolutions read im2col rows as slices of a padded (for
 * strides, phase-split) copy of the image ({@link PaddedConv}), or, on images too narrow for that to pay,
 * pack them on the fly ({@link Im2colPanels}); float64 ones (the checking path) build the im2col matrix; 1x1
 * stride-1 unpadded convolutions multiply the image directly.
 * Arrays are float[] or double[] by dtype; {@link Ops} picks the matching GEMM and im2col.
 */
final class LinearKernels {
    private LinearKernels() {}

    /** The dtype-specific primitives, so the convolution logic below is written once. */
    private interface Ops {
        /** This thread's reusable buffer for slot (see {@link Scratch}); contents are stale. */
        Object scratch(int slot, int n);
        void gemm(int m, int n, int k, Object a, int aOff, int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc, boolean acc);
        void im2col(Object x, int xOff, int c, int h, int w, int kH, int kW, Conv2dParams p, Object col, int colOff);
        void col2im(Object col, int colOff, int c, int h, int w, int kH, int kW, Conv2dParams p, Object x, int xOff);
        /** dst[i*ld + j] = src[j*ld2 + i]: a transposed copy of an r x c block. */
        void transpose(Object src, int sOff, int rows, int cols, Object dst, int dOff);
    }

    private static final Ops F32 = new Ops() {
        public Object scratch(int slot, int n) { return Scratch.floats(slot, n); }
        public void gemm(int m, int n, int k, Object a, int ao, int lda, Object b, int bo, int ldb, Object c, int co, int ldc, boolean acc) {
            Gemm.sgemm(m, n, k, (float[]) a, ao, lda, (float[]) b, bo, ldb, (float[]) c, co, ldc, acc);
        }
        public void im2col(Object x, int xo, int c, int h, int w, int kH, int kW, Conv2dParams p, Object col, int co) {
            Im2col.im2col((float[]) x, xo, c, h, w, kH, kW, p, (float[]) col, co);
        }
        public void col2im(Object col, int co, int c, int h, int w, int kH, int kW, Conv2dParams p, Object x, int xo) {
            Im2col.col2im((float[]) col, co, c, h, w, kH, kW, p, (float[]) x, xo);
        }
        public void transpose(Object src, int so, int rows, int cols, Object dst, int dO) {
            float[] s = (float[]) src, d = (float[]) dst;
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) d[dO + j * rows + i] = s[so + i * cols + j];
        }
    };

    private static final Ops F64 = new Ops() {
        public Object scratch(int slot, int n) { return Scratch.doubles(slot, n); }
        public void gemm(int m, int n, int k, Object a, int ao, int lda, Object b, int bo, int ldb, Object c, int co, int ldc, boolean acc) {
            Float64Gemm.gemm(m, n, k, (double[]) a, ao, lda, (double[]) b, bo, ldb, (double[]) c, co, ldc, acc);
        }
        public void im2col(Object x, int xo, int c, int h, int w, int kH, int kW, Conv2dParams p, Object col, int co) {
            Im2col.im2col((double[]) x, xo, c, h, w, kH, kW, p, (double[]) col, co);
        }
        public void col2im(Object col, int co, int c, int h, int w, int kH, int kW, Conv2dParams p, Object x, int xo) {
            Im2col.col2im((double[]) col, co, c, h, w, kH, kW, p, (double[]) x, xo);
        }
        public void transpose(Object src, int so, int rows, int cols, Object dst, int dO) {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) d[dO + j * rows + i] = s[so + i * cols + j];
        }
    };

    private static Ops ops(DType t) { return t == DType.FLOAT32 ? F32 : F64; }

    /** A contiguous copy made here is dead after the kernel: in inference its memory serves later outputs. */
    private static void releaseCopy(Tensor copy, Tensor original) {
        if (copy != null && copy != original) copy.release();
    }

    private static Object arr(Tensor t) { return ((CpuStorage) t.storage()).array; }

    /**
     * A convolution's weight and optional bias, batch-norm scale and shift, and residual, each contiguous (a copy when
     * it was not); {@link #releaseCopies} hands the copies back once the kernel is done.
     */
    private record Operands(Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, Tensor[] given) {
        static Operands of(Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual) {
            return new Operands(w.contiguous(), contiguous(bias), contiguous(scale), contiguous(shift), contiguous(residual),
                    new Tensor[] {w, bias, scale, shift, residual});
        }

        private static Tensor contiguous(Tensor t) { return t == null ? null : t.contiguous(); }

        /** The float32 epilogue over these operands for the group whose first output channel is firstChannel. */
        GemmEpilogue epilogue(boolean relu, int firstChannel) { return LinearKernels.epilogue(bias, scale, shift, residual, relu, firstChannel); }

        void releaseCopies() {
            Tensor[] made = {w, bias, scale, shift, residual};
            for (int i = 0; i < made.length; i++) releaseCopy(made[i], given[i]);
        }
    }

    static Tensor matmul(CpuBackend be, Tensor a, Tensor b) {
        Tensor ac = a.contiguous(), bc = b.contiguous();
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Tensor out = be.uninitialized(a.dtype(), batch, m, n); // every element written (k == 0: zeros)
        Ops o = ops(a.dtype());
        for (int i = 0; i < batch; i++)
            o.gemm(m, n, k, arr(ac), ac.offset() + i * m * k, k, arr(bc), bc.offset() + i * k * n, n, arr(out), i * m * n, n, false);
        releaseCopy(ac, a);
        releaseCopy(bc, b);
        return out;
    }

    static boolean isPointwise(int kH, int kW, Conv2dParams p) {
        return kH == 1 && kW == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }

    static Tensor conv2d(CpuBackend be, Tensor x, Tensor w, Tensor bias, Conv2dParams p) { return conv2d(be, x, w, bias, null, null, null, false, p); }

    /**
     * relu?((((conv(x, w) + bias) * scale) + shift) + residual); bias, scale and shift ([O]; both or neither) and
     * residual (the output's shape) may be null. Each image and group's GEMM block gets its epilogue right after it is
     * computed: one pass instead of up to five kernels (a separate batch norm is a multiply and an add over the output).
     */
    static Tensor conv2d(CpuBackend be, Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu,
                         Conv2dParams p) {
        int g = p.groups();
        ConvPath path = ConvPath.of(x.dtype(), x.size(1) / g, w.size(0) / g, x.size(2), x.size(3), w.size(2), w.size(3), p);
        if (!ConvProfile.on()) return convolve(be, x, w, bias, scale, shift, residual, relu, p, path);
        long t0 = System.nanoTime();
        Tensor out = convolve(be, x, w, bias, scale, shift, residual, relu, p, path);
        ConvProfile.record(path.label, x.size(0), x.size(1), x.size(2), x.size(3), w.size(0), w.size(2), w.size(3), p, System.nanoTime() - t0);
        return out;
    }

    /**
     * A float32 1x1 stride-1 convolution over the channel concatenation of parts (each contiguous), with the GEMM
     * reading each part where it lies as its own rows of B ({@link PanelSource.Stacked}): the same products in the same
     * order as over the concatenation, so the same bits, without writing it. Null when that does not apply (another
     * dtype or kernel, grouped, a part not contiguous): the caller concatenates.
     */
    static Tensor conv2dConcat(CpuBackend be, java.util.List<Tensor> parts, Tensor w, Tensor bias, Tensor scale, Tensor shift,
                               Tensor residual, boolean relu, Conv2dParams p) {
        Tensor first = parts.get(0);
        if (first.dtype() != DType.FLOAT32 || p.groups() != 1 || !isPointwise(w.size(2), w.size(3), p)) return null;
        for (Tensor t : parts) if (!t.isContiguous()) return null;
        long t0 = ConvProfile.on() ? System.nanoTime() : 0;
        int n = first.size(0), h = first.size(2), wd = first.size(3), l = h * wd, o = w.size(0), k = w.size(1);
        Tensor out = be.uninitialized(DType.FLOAT32, n, o, h, wd);
        Operands operands = Operands.of(w, bias, scale, shift, residual);
        Tensor wc = operands.w();
        GemmEpilogue epi = operands.epilogue(relu, 0);
        int[] starts = new int[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) starts[i + 1] = starts[i] + parts.get(i).size(1);
        for (int img = 0; img < n; img++) {
            PanelSource.Matrix[] rows = new PanelSource.Matrix[parts.size()];
            for (int i = 0; i < rows.length; i++) {
                Tensor t = parts.get(i);
                rows[i] = new PanelSource.Matrix((float[]) arr(t), t.offset() + img * t.size(1) * l, l);
            }
            Gemm.sgemm(o, l, k, (float[]) arr(wc), wc.offset(), k, new PanelSource.Stacked(rows, starts), (float[]) arr(out), img * o * l, l,
                    false, epi);
        }
        operands.releaseCopies();
        if (ConvProfile.on())
            ConvProfile.record(ConvPath.POINTWISE.label, n, k, h, wd, o, 1, 1, p, System.nanoTime() - t0);
        return out;
    }

    /**
     * The float32 epilogue of contiguous bias, scale, shift and residual tensors (each may be null), the per-channel ones
     * read from output channel firstChannel on (a group's first); null when there is nothing to do.
     */
    private static GemmEpilogue epilogue(Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu, int firstChannel) {
        if (bias == null && scale == null && residual == null && !relu) return null;
        return new GemmEpilogue(bias == null ? null : (float[]) arr(bias), bias == null ? 0 : bias.offset() + firstChannel,
                scale == null ? null : (float[]) arr(scale), scale == null ? 0 : scale.offset() + firstChannel,
                shift == null ? null : (float[]) arr(shift), shift == null ? 0 : shift.offset() + firstChannel,
                residual == null ? null : (float[]) arr(residual), residual == null ? 0 : residual.offset(), relu);
    }

    private static Tensor convolve(CpuBackend be, Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual,
                                   boolean relu, Conv2dParams p, ConvPath path) {
        Tensor xc = x.contiguous();
        Operands operands = Operands.of(w, bias, scale, shift, residual);
        Tensor wc = operands.w(), bc = operands.bias(), rc = operands.residual(), sc = operands.scale(), hc = operands.shift();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int oh = p.outH(h, kH), ow = p.outW(wd, kW), l = oh * ow;
        int cg = c / g, og = o / g, kk = cg * kH * kW;
        Tensor out = be.uninitialized(x.dtype(), n, o, oh, ow);
        Ops ops = ops(x.dtype());
        boolean direct = isPointwise(kH, kW, p);
        Object col = path == ConvPath.FLOAT64 && !direct ? ops.scratch(Scratch.COL, kk * l) : null;
        Object xa = arr(xc), wa = arr(wc), oa = arr(out);
        ConvEpilogue.Residual res = rc == null ? null : new ConvEpilogue.Residual(arr(rc), rc.offset());
        for (int img = 0; img < n; img++)
            for (int gi = 0; gi < g; gi++) {
                int xOff = xc.offset() + (img * c + gi * cg) * h * wd;
                if (path != ConvPath.FLOAT64) { // the epilogue runs inside the GEMM on each finished block of rows
                    GemmEpilogue epi = operands.epilogue(relu, gi * og);
                    int cOff = (img * o + gi * og) * l;
                    int wOff = wc.offset() + gi * og * kk;
                    switch (path) {
                        case WINOGRAD_4X4 -> WinogradF4x4.conv((float[]) xa, xOff, cg, h, wd, (float[]) wa, wOff, og, (float[]) oa, cOff, epi);
                        case WINOGRAD_2X2 -> Winograd3x3.conv((float[]) xa, xOff, cg, h, wd, (float[]) wa, wOff, og, (float[]) oa, cOff, epi);
                        case PADDED -> {
                            PaddedConv pc = PaddedConv.of((float[]) xa, xOff, cg, h, wd, kH, kW, p, Scratch.floats(Scratch.PADDED, PaddedConv.paddedSize(cg, h, wd, kH, kW, p)));
                            Gemm.sgemm(og, pc.columns(), kk, (float[]) wa, wOff, kk, pc, pc.scatter((float[]) oa, cOff, epi));
                        }
                        default -> { // POINTWISE: the image is B; IM2COL: the GEMM packs im2col rows from the image, no column matrix
                            PanelSource src = path == ConvPath.IM2COL ? new Im2colPanels((float[]) xa, xOff, h, wd, kH, kW, p) : new PanelSource.Matrix((float[]) xa, xOff, l);
                            Gemm.sgemm(og, l, kk, (float[]) wa, wOff, kk, src, (float[]) oa, cOff, l, false, epi);
                        }
                    }
                    continue;
                }
                Object bsrc = xa;
                int bOff = xOff;
                if (!direct) {
                    ops.im2col(xa, xOff, cg, h, wd, kH, kW, p, col, 0);
                    bsrc = col;
                    bOff = 0;
                }
                ops.gemm(og, l, kk, wa, wc.offset() + gi * og * kk, kk, bsrc, bOff, l, oa, (img * o + gi * og) * l, l, false);
                ConvEpilogue.apply(oa, img * o + gi * og, og, l, o, bc == null ? null : arr(bc), bc == null ? 0 : bc.offset(),
                        sc == null ? null : new ConvEpilogue.Affine(arr(sc), sc.offset(), arr(hc), hc.offset()), res, relu);
            }
        releaseCopy(xc, x);
        operands.releaseCopies();
        return out;
    }

    static Tensor conv2dBackwardInput(CpuBackend be, Tensor gy, Tensor w, int[] xs, Conv2dParams p) {
        Tensor gc = gy.contiguous(), wc = w.contiguous();
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int o = w.size(0), kH = w.size(2), kW = w.size(3), g = p.groups();
        int l = gy.size(2) * gy.size(3), cg = c / g, og = o / g, kk = cg * kH * kW;
        Tensor gx = be.empty(gy.dtype(), xs);
        Ops ops = ops(gy.dtype());
        Object wT = ops.scratch(Scratch.W_T, kk * og), col = ops.scratch(Scratch.COL, kk * l);
        boolean direct = isPointwise(kH, kW, p);
        for (int gi = 0; gi < g; gi++) {
            ops.transpose(arr(wc), wc.offset() + gi * og * kk, og, kk, wT, 0);
            for (int img = 0; img < n; img++) {
                int xOff = (img * c + gi * cg) * h * wd;
                Object gya = arr(gc);
                int gOff = gc.offset() + (img * o + gi * og) * l;
                if (direct) {
                    ops.gemm(kk, l, og, wT, 0, og, gya, gOff, l, arr(gx), xOff, l, false);
                } else {
                    ops.gemm(kk, l, og, wT, 0, og, gya, gOff, l, col, 0, l, false);
                    ops.col2im(col, 0, cg, h, wd, kH, kW, p, arr(gx), xOff);
                }
            }
        }
        return gx;
    }

    static Tensor conv2dBackwardWeight(CpuBackend be, Tensor gy, Tensor x, int[] ws, Conv2dParams p) {
        Tensor gc = gy.contiguous(), xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = ws[0], kH = ws[2], kW = ws[3], g = p.groups();
        int l = gy.size(2) * gy.size(3), cg = c / g, og = o / g, kk = cg * kH * kW;
        Tensor gw = be.empty(gy.dtype(), ws);
        Ops ops = ops(gy.dtype());
        Object col = ops.scratch(Scratch.COL, kk * l), colT = ops.scratch(Scratch.COL_T, kk * l);
        for (int img = 0; img < n; img++)
            for (int gi = 0; gi < g; gi++) {
                int xOff = xc.offset() + (img * c + gi * cg) * h * wd;
                ops.im2col(arr(xc), xOff, cg, h, wd, kH, kW, p, col, 0);
                ops.transpose(col, 0, kk, l, colT, 0);
                ops.gemm(og, kk, l, arr(gc), gc.offset() + (img * o + gi * og) * l, l, colT, 0, kk, arr(gw), gi * og * kk, kk, img > 0);
            }
        return gw;
    }

    static Tensor unfold(CpuBackend be, Tensor x, int kH, int kW, Conv2dParams p) {
        Tensor xc = x.contiguous();
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int l = p.outH(h, kH) * p.outW(wd, kW), kk = c * kH * kW;
        Tensor out = be.empty(x.dtype(), n, kk, l);
        Ops ops = ops(x.dtype());
        for (int img = 0; img < n; img++)
            ops.im2col(arr(xc), xc.offset() + img * c * h * wd, c, h, wd, kH, kW, p, arr(out), img * kk * l);
        return out;
    }
}
