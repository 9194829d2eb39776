package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Stable sort along a dim: a per-line merge sort on (key, index) scratch; topk and median come from it. */
final class SortOps {
    private final GpuBackend be;

    SortOps(GpuBackend be) { this.be = be; }

    Tensor[] sort(Tensor x, int dim, boolean descending) {
        Tensor xc = be.contig(x);
        int[] l = ReduceOps.layout(x.shape(), dim);
        Tensor vals = be.empty(x.dtype(), x.shape()), idx = be.empty(DType.INT64, x.shape());
        int n = x.numel();
        if (n == 0) return new Tensor[] {vals, idx};
        boolean dbl = be.dbl(x.dtype());
        DType keyType = dbl ? DType.FLOAT64 : DType.FLOAT32;
        Tensor k0 = be.empty(keyType, n), k1 = be.empty(keyType, n), i0 = be.empty(DType.INT32, n), i1 = be.empty(DType.INT32, n);
        be.launch("sort", dbl, "sort_lines").buf(xc).i32(xc.dtype().ordinal()).i32(xc.offset()).buf(vals).buf(idx)
                .buf(k0).buf(k1).buf(i0).buf(i1).i32(l[0]).i32(l[1]).i32(l[2]).i32(descending).run((long) l[0] * l[2]);
        return new Tensor[] {vals, idx};
    }

    /** The lower median by stable ascending rank; a line holding NaN gives its first NaN (the CPU rule). */
    Tensor[] median(Tensor x, int dim) {
        Tensor[] s = sort(x, dim, false);
        int m = (x.dim() == 0 ? 1 : x.shape()[dim]) - 1;
        Tensor vals = be.copyOf(s[0].narrow(dim, m / 2, 1)), idx = be.copyOf(s[1].narrow(dim, m / 2, 1));
        if (x.dtype().isFloating()) {
            Tensor xc = be.contig(x);
            int[] l = ReduceOps.layout(x.shape(), dim);
            be.launch("sort", be.dbl(x.dtype()), "median_nan").buf(xc).i32(xc.dtype().ordinal()).i32(xc.offset()).buf(vals).buf(idx)
                    .i32(l[0]).i32(l[1]).i32(l[2]).run((long) l[0] * l[2]);
        }
        return new Tensor[] {vals, idx};
    }
}
