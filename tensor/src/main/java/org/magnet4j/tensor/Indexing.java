package org.magnet4j.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Joining, splitting, gather/scatter, masked selection, sorting, top-k and median. */
final class Indexing {
    private Indexing() {}

    static Tensor cat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new TensorException("cat: no tensors given");
        Tensor first = parts.get(0);
        int d = Shapes.dim("cat", dim, first.dim());
        int total = 0;
        for (Tensor t : parts) {
            if (t.dim() != first.dim() || t.dtype() != first.dtype() || !t.device().equals(first.device()))
                throw new TensorException("cat: " + t.describe() + " does not match " + first.describe() + " (rank, dtype and device must agree)");
            for (int i = 0; i < t.dim(); i++)
                if (i != d && t.shapeRef()[i] != first.shapeRef()[i])
                    throw new TensorException("cat: shapes " + Shapes.str(first.shapeRef()) + " and " + Shapes.str(t.shapeRef()) + " differ outside dim " + d);
            total += t.shapeRef()[d];
        }
        int[] shape = first.shape();
        shape[d] = total;
        Tensor out = Tensor.uninitialized(first.device(), first.dtype(), shape); // the parts fill every element
        int[] sizes = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor t = parts.get(i);
            sizes[i] = t.shapeRef()[d];
            Tensor slot = out.narrow(d, at, sizes[i]), dst = slot.detach();
            first.backend().copyInto(t, dst);
            dst.release(); // in inference: so that out alone holds its memory and can hand it back in turn
            slot.release();
            at += sizes[i];
        }
        if (!first.dtype().isFloating()) return out;
        return Autograd.record(out, "cat", g -> {
            Tensor[] r = new Tensor[sizes.length];
            int s = 0;
            for (int i = 0; i < sizes.length; i++) {
                r[i] = g.narrow(d, s, sizes[i]).contiguous();
                s += sizes[i];
            }
            return r;
        }, parts.toArray(new Tensor[0]));
    }

    static Tensor stack(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new TensorException("stack: no tensors given");
        int d = Shapes.dim("stack", dim, parts.get(0).dim() + 1);
        List<Tensor> u = new ArrayList<>();
        for (Tensor t : parts) {
            if (!Arrays.equals(t.shapeRef(), parts.get(0).shapeRef()))
                throw new TensorException("stack: shapes " + Shapes.str(parts.get(0).shapeRef()) + " and " + Shapes.str(t.shapeRef()) + " differ");
            u.add(t.unsqueeze(d));
        }
        return cat(u, d);
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, x.dim());
        int sum = Arrays.stream(sizes).sum();
        if (sum != x.shapeRef()[d]) throw new TensorException("split: sizes " + Arrays.toString(sizes) + " do not add up to dim " + d + " of " + x.describe());
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (int s : sizes) {
            out.add(x.narrow(d, at, s));
            at += s;
        }
        return out;
    }

    private static void checkIndex(String op, Tensor x, int dim, Tensor index, boolean sameRank) {
        if (index.dtype() != DType.INT64) throw new TensorException(op + ": index must be int64, got " + index.describe() + " for input " + x.describe());
        if (sameRank && index.dim() != x.dim()) throw new TensorException(op + ": index " + index.describe() + " must have the rank of input " + x.describe());
        long[] idx = index.toLongArray();
        int size = x.shapeRef()[dim];
        for (long v : idx)
            if (v < 0 || v >= size)
                throw new TensorException(op + ": index " + v + " out of range [0, " + size + ") for dim " + dim + " of " + x.describe() + " (index " + index.describe() + ")");
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("gather", dim, x.dim());
        checkIndex("gather", x, d, index, true);
        for (int i = 0; i < x.dim(); i++)
            if (i != d && index.shapeRef()[i] > x.shapeRef()[i])
                throw new TensorException("gather: index " + index.describe() + " larger than input " + x.describe() + " in dim " + i);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().gather(x, d, index);
        }
        if (!x.dtype().isFloating()) return out;
        int[] xs = x.shape();
        return Autograd.record(out, "gather", g -> new Tensor[] {
            g.backend().scatter(Tensor.zeros(g.device(), g.dtype(), xs), d, index, g, true)}, x);
    }

    static Tensor scatter(Tensor base, int dim, Tensor index, Tensor src, boolean accumulate) {
        String op = accumulate ? "scatter_add" : "scatter";
        int d = Shapes.dim(op, dim, base.dim());
        checkIndex(op, base, d, index, true);
        if (src.dtype() != base.dtype()) throw new TensorException(op + ": src " + src.describe() + " and input " + base.describe() + " dtypes differ");
        for (int i = 0; i < index.dim(); i++)
            if (index.shapeRef()[i] > src.shapeRef()[i])
                throw new TensorException(op + ": index " + index.describe() + " larger than src " + src.describe() + " in dim " + i);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = base.backend().scatter(base, d, index, src, accumulate);
        }
        if (!base.dtype().isFloating()) return out;
        return Autograd.record(out, op, g -> {
            Tensor gb = accumulate ? g : g.backend().scatter(g, d, index, Tensor.zeros(g.device(), g.dtype(), index.shape()), false);
            Tensor gs = g.backend().gather(g, d, index);
            if (!Arrays.equals(gs.shapeRef(), src.shapeRef())) {
                Tensor full = Tensor.zeros(g.device(), g.dtype(), src.shape());
                Tensor view = full;
                for (int i = 0; i < index.dim(); i++) view = view.narrow(i, 0, index.shapeRef()[i]);
                view.assign(gs);
                gs = full;
            }
            return new Tensor[] {gb, gs};
        }, base, src);
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("index_select", dim, x.dim());
        if (index.dim() != 1) throw new TensorException("index_select: index must be 1-D, got " + index.describe());
        int[] shape = x.shape();
        shape[d] = index.size(0);
        int[] viewShape = new int[x.dim()];
        Arrays.fill(viewShape, 1);
        viewShape[d] = index.size(0);
        return gather(x, d, index.reshape(viewShape).expand(shape).contiguous());
    }

    static Tensor maskedSelect(Tensor x, Tensor mask) {
        if (mask.dtype() != DType.BOOL) throw new TensorException("masked_select: mask must be bool, got " + mask.describe());
        int[] shape = Shapes.broadcast("masked_select", x.shapeRef(), mask.shapeRef());
        Tensor ex = x.expand(shape), em = mask.expand(shape);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().maskedSelect(ex, em);
        }
        if (!x.dtype().isFloating()) return out;
        return Autograd.record(out, "masked_select", g -> new Tensor[] {
            g.backend().maskedScatter(Tensor.zeros(g.device(), g.dtype(), shape), em, g)}, ex);
    }

    static Tensor[] sort(Tensor x, int dim, boolean descending) {
        int d = Shapes.dim("sort", dim, x.dim());
        Tensor[] r;
        try (var g = GradMode.noGrad()) {
            r = x.backend().sort(x, d, descending);
        }
        return withIndexGrad("sort", x, d, r);
    }

    static Tensor[] topk(Tensor x, int k, int dim, boolean largest) {
        int d = Shapes.dim("topk", dim, x.dim());
        int size = x.dim() == 0 ? 1 : x.shapeRef()[d];
        if (k < 0 || k > size) throw new TensorException("topk: k=" + k + " out of range [0, " + size + "] for dim " + d + " of " + x.describe());
        Tensor[] r;
        try (var g = GradMode.noGrad()) {
            r = x.backend().topk(x, k, d, largest);
        }
        return withIndexGrad("topk", x, d, r);
    }

    static Tensor[] median(Tensor x, int dim, boolean keepDim) {
        int d = Shapes.dim("median", dim, x.dim());
        if (x.shapeRef()[d] == 0) throw new TensorException("median: empty dim " + d + " in " + x.describe());
        Tensor[] r;
        try (var g = GradMode.noGrad()) {
            r = x.backend().median(x, d);
        }
        r = withIndexGrad("median", x, d, r);
        if (!keepDim) r = new Tensor[] {r[0].squeeze(d), r[1].squeeze(d)};
        return r;
    }

    /** Values picked by index along dim: gradient flows back to the picked positions. */
    private static Tensor[] withIndexGrad(String op, Tensor x, int d, Tensor[] r) {
        if (!x.dtype().isFloating()) return r;
        Tensor idx = r[1];
        int[] xs = x.shape();
        Tensor v = Autograd.record(r[0], op, g -> new Tensor[] {
            g.backend().scatter(Tensor.zeros(g.device(), g.dtype(), xs), d, idx, g, true)}, x);
        return new Tensor[] {v, idx};
    }
}
