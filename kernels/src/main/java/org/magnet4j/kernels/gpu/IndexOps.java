package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;

/**
 * gather, scatter (one thread or work-item per line along dim, so duplicate targets are written in index order as
 * on the CPU), and masked select/scatter (the mask's true positions are listed on the host, then moved by a kernel).
 */
final class IndexOps {
    private final GpuBackend be;

    IndexOps(GpuBackend be) { this.be = be; }

    Tensor gather(Tensor x, int dim, Tensor index) {
        Tensor ic = be.contig(be.here(index));
        int[] shape = index.shape();
        Tensor out = be.empty(x.dtype(), shape);
        be.launch("index", DType.FLOAT32, "gather").buf(x).view(StridedView.exact(x.shape(), x.strides(), x.offset()))
                .buf(ic).i32(ic.offset()).view(StridedView.contiguous(shape)).buf(out).i32(x.dtype().byteSize()).i32(dim).i32(out.numel())
                .run(out.numel());
        return out;
    }

    Tensor scatter(Tensor base, int dim, Tensor index, Tensor src, boolean accumulate) {
        Tensor out = be.copyOf(base);
        Tensor ic = be.contig(be.here(index)), sc = be.here(src);
        int[] ishape = index.shape();
        int len = ishape.length == 0 ? 1 : ishape[dim];
        if (len == 0) return out;
        int lines = index.numel() / len;
        be.launch("index", out.dtype(), "scatter_lines").buf(out).i32(out.dtype().ordinal()).view(StridedView.contiguous(out.shape()))
                .buf(ic).i32(ic.offset()).view(StridedView.contiguous(ishape))
                .buf(sc).i32(sc.dtype().ordinal()).view(StridedView.exact(sc.shape(), sc.strides(), sc.offset()))
                .i32(dim).i32(accumulate).i32(lines).run(lines);
        return out;
    }

    /** Row-major positions of the true elements of a bool tensor, uploaded as int32. */
    private Tensor positions(Tensor mask) {
        byte[] m = (byte[]) be.download(mask);
        int count = 0;
        for (byte b : m) if (b != 0) count++;
        int[] pos = new int[count];
        for (int i = 0, k = 0; i < m.length; i++) if (m[i] != 0) pos[k++] = i;
        return Tensor.of(be.upload(pos, DType.INT32), count);
    }

    Tensor maskedSelect(Tensor x, Tensor mask) {
        Tensor pos = positions(be.here(mask));
        int n = pos.numel();
        Tensor out = be.empty(x.dtype(), n);
        be.launch("index", DType.FLOAT32, "take").buf(x).view(StridedView.of(x)).buf(pos).buf(out).i32(x.dtype().byteSize()).i32(n).run(n);
        return out;
    }

    Tensor maskedScatter(Tensor base, Tensor mask, Tensor src) {
        Tensor out = be.copyOf(base);
        Tensor pos = positions(be.here(mask));
        int n = pos.numel();
        Tensor s = be.here(src);
        if (n > s.numel()) throw new org.magnet4j.tensor.TensorException("masked_scatter: mask has " + n + " true elements, source "
                + Shapes.str(s.shape()) + " has only " + s.numel());
        Tensor sc = s.dtype() == out.dtype() ? s : s.to(out.dtype());
        be.launch("index", DType.FLOAT32, "put").buf(out).buf(pos).buf(sc).view(StridedView.of(sc)).i32(out.dtype().byteSize()).i32(n).run(n);
        return out;
    }
}
