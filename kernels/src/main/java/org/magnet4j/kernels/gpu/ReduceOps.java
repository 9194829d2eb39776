package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.ReduceOp;
import org.magnet4j.tensor.Tensor;

/** Reductions along one dim and (log-)softmax over the contiguous [outer, len, inner] layout. */
final class ReduceOps {
    private final GpuBackend be;

    ReduceOps(GpuBackend be) { this.be = be; }

    /** {outer, len, inner} around dim d. */
    static int[] layout(int[] shape, int d) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        return new int[] {outer, shape.length == 0 ? 1 : shape[d], inner};
    }

    Tensor reduce(ReduceOp op, Tensor x, int d) {
        Tensor c = be.contig(x);
        int[] shape = x.shape(), l = layout(shape, d);
        if (shape.length > 0) shape[d] = 1;
        DType outType = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.INT64 : x.dtype();
        Tensor out = be.empty(outType, shape);
        if (l[1] == 0) { // empty sum
            be.fill(out, 0);
            return out;
        }
        be.launch("reduce", x.dtype(), "reduce").buf(c).i32(c.dtype().ordinal()).i32(c.offset()).buf(out).i32(outType.ordinal())
                .i32(l[0]).i32(l[1]).i32(l[2]).i32(op.ordinal()).run((long) l[0] * l[2]);
        return out;
    }

    Tensor softmax(Tensor x, int d, boolean log) {
        Tensor c = be.contig(x);
        int[] l = layout(x.shape(), d);
        Tensor out = be.empty(x.dtype(), x.shape());
        be.launch("reduce", x.dtype(), "softmax").buf(c).i32(c.offset()).buf(out).i32(l[0]).i32(l[1]).i32(l[2]).i32(log)
                .run((long) l[0] * l[2]);
        return out;
    }

    Tensor softmaxBackward(Tensor y, Tensor gy, int d, boolean log) {
        Tensor yc = be.contig(y), gc = be.contig(be.here(gy));
        int[] l = layout(y.shape(), d);
        Tensor out = be.empty(y.dtype(), y.shape());
        be.launch("reduce", y.dtype(), "softmax_backward").buf(yc).i32(yc.offset()).buf(gc).i32(gc.offset()).buf(out)
                .i32(l[0]).i32(l[1]).i32(l[2]).i32(log).run((long) l[0] * l[2]);
        return out;
    }
}
