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
}
