package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.UnaryOp;

/** unary, binary and where over strided (broadcast) views; the op is a kernel argument. */
final class ElementwiseOps {
    private final GpuBackend be;

    ElementwiseOps(GpuBackend be) { this.be = be; }

    Tensor unary(UnaryOp op, Tensor x, double s) {
        Tensor out = be.empty(x.dtype(), x.shape());
        be.launch("elementwise", x.dtype(), "unary").buf(x).i32(x.dtype().ordinal()).view(StridedView.of(x))
                .buf(out).i32(out.dtype().ordinal()).i32(out.numel()).i32(op.ordinal()).acc(s).run(out.numel());
        return out;
    }

    Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Tensor bb = be.here(b);
        Tensor out = be.empty(op.isComparison() ? DType.BOOL : a.dtype(), a.shape());
        be.launch("elementwise", a.dtype(), "binary").buf(a).i32(a.dtype().ordinal()).view(StridedView.of(a))
                .buf(bb).i32(bb.dtype().ordinal()).view(StridedView.of(bb))
                .buf(out).i32(out.dtype().ordinal()).i32(out.numel()).i32(op.ordinal()).i32(!a.dtype().isFloating())
                .run(out.numel());
        return out;
    }

    Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor c = be.here(cond), bb = be.here(b);
        Tensor out = be.empty(a.dtype(), a.shape());
        be.launch("elementwise", DType.FLOAT32, "where_").buf(c).view(StridedView.of(c)).buf(a).view(StridedView.of(a))
                .buf(bb).view(StridedView.of(bb)).buf(out).i32(a.dtype().byteSize()).i32(out.numel()).run(out.numel());
        return out;
    }

    /**
     * relu?((((y + bias[c]) * scale[c]) + shift[c]) + residual) in place on y, a convolution's new contiguous output
     * computed without its bias, in one kernel instead of up to five (the separate ops' rounding, step by step: their
     * bits). bias, scale and shift [C] (scale and shift both or neither), residual y's shape (any view), each may be
     * absent.
     */
    Tensor convEpilogue(Tensor y, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu) {
        if (bias == null && scale == null && residual == null && !relu) return y;
        Tensor b = bias == null ? y : fromStart(bias);
        Tensor sc = scale == null ? y : fromStart(scale), sh = shift == null ? y : fromStart(shift);
        Tensor r = residual == null ? y : be.here(residual);
        int hw = y.size(2) * y.size(3);
        be.launch("elementwise", y.dtype(), "conv_epilogue").buf(y).i32(y.dtype().ordinal()).i32(y.numel()).i32(Math.max(hw, 1)).i32(y.size(1))
                .buf(b).i32(bias != null).buf(sc).buf(sh).i32(scale != null)
                .buf(r).i32(r.dtype().ordinal()).view(StridedView.of(r)).i32(residual != null).i32(relu)
                .run(y.numel());
        return y;
    }

    /** t on this device, contiguous from the start of its buffer (kernels that index a [C] vector from 0 read it so). */
    private Tensor fromStart(Tensor t) {
        Tensor h = be.here(t);
        return h.isContiguous() && h.offset() == 0 ? h : be.copyOf(h);
    }

    /** Batch norm's eval {scale, shift} in one kernel (float32 or float64 [C] inputs: see the kernel). */
    Tensor[] bnEvalAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        DType t = mean.dtype();
        int n = mean.numel();
        mean = fromStart(mean);
        var = fromStart(var);
        weight = weight == null ? null : fromStart(weight);
        bias = bias == null ? null : fromStart(bias);
        Tensor scale = be.empty(t, n), shift = be.empty(t, n);
        be.launch("elementwise", t, "bn_eval_affine").buf(mean).buf(var).buf(weight == null ? mean : weight).i32(weight != null)
                .buf(bias == null ? mean : bias).i32(bias != null).acc(eps).buf(scale).buf(shift).i32(t.ordinal()).i32(n).run(n);
        return new Tensor[] {scale, shift};
    }
}
