package org.magnet4j.tensor;

import java.util.Arrays;

/** Sums, means, max/min with indices, arg-max, softmax; and summing a broadcast gradient back to a shape. */
final class Reductions {
    private Reductions() {}

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        Tensor in = x.dtype().isComputeFloat() ? x : x.to(x.dtype().isFloating() ? DType.FLOAT32 : DType.INT64);
        int[] ds = normDims("sum", dims, x.dim());
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = in;
            for (int d : ds) out = out.backend().reduce(ReduceOp.SUM, out, d);
            if (ds.length == 0) out = out.clone();
            if (!keepDim) out = squeezeDims(out, ds);
        }
        if (!out.dtype().isFloating()) return out;
        int[] inShape = x.shape(), kept = keptShape(inShape, ds);
        return Autograd.record(out, "sum", g -> new Tensor[] {g.reshape(kept).expand(inShape).contiguous()}, in);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        if (!x.dtype().isFloating()) throw new TensorException("mean: needs a floating tensor, got " + x.describe());
        int[] ds = normDims("mean", dims, x.dim());
        long count = 1;
        for (int d : ds) count *= x.shapeRef()[d];
        return sum(x, ds, keepDim).div((double) count);
    }

    static Tensor[] maxMin(Tensor x, int dim, boolean keepDim, boolean max) {
        String name = max ? "max" : "min";
        int d = Shapes.dim(name, dim, x.dim());
        if (x.dim() > 0 && x.shapeRef()[d] == 0) throw new TensorException(name + ": empty dim " + d + " in " + x.describe());
        Tensor values, indices;
        try (var g = GradMode.noGrad()) {
            values = x.backend().reduce(max ? ReduceOp.MAX : ReduceOp.MIN, x, d);
            indices = x.backend().reduce(max ? ReduceOp.ARGMAX : ReduceOp.ARGMIN, x, d);
        }
        if (x.dtype().isFloating()) {
            int[] inShape = x.shape();
            Tensor idx = indices;
            values = Autograd.record(values, name, g ->
                    new Tensor[] {Tensor.zeros(g.device(), g.dtype(), inShape).scatter(d, idx, g)}, x);
        }
        if (!keepDim && x.dim() > 0) {
            values = values.squeeze(d);
            indices = indices.squeeze(d);
        }
        return new Tensor[] {values, indices};
    }

    static Tensor arg(Tensor x, int dim, boolean keepDim, ReduceOp op) {
        int d = Shapes.dim(op.name().toLowerCase(), dim, x.dim());
        Tensor out = x.backend().reduce(op, x, d);
        return keepDim || x.dim() == 0 ? out : out.squeeze(d);
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "log_softmax" : "softmax";
        if (!x.dtype().isComputeFloat()) throw new TensorException(name + ": needs float32 or float64, got " + x.describe());
        int d = Shapes.dim(name, dim, x.dim());
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().softmax(x, d, log);
        }
        Tensor y = out;
        return Autograd.record(out, name, g -> new Tensor[] {y.backend().softmaxBackward(y, g, d, log)}, x);
    }

    /** Sums g over the dims that broadcasting expanded, giving a tensor of the given shape. */
    static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[n++] = i;
        }
        Tensor s = sum(g, Arrays.copyOf(dims, n), true);
        return s.reshape(shape);
    }

    private static int[] normDims(String op, int[] dims, int rank) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = Shapes.dim(op, dims[i], rank);
        int[] sorted = out.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++)
            if (sorted[i] == sorted[i - 1]) throw new TensorException(op + ": dim " + sorted[i] + " repeated");
        return sorted;
    }

    private static int[] keptShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) k[d] = 1;
        return k;
    }

    private static Tensor squeezeDims(Tensor t, int[] sortedDims) {
        for (int i = sortedDims.length - 1; i >= 0; i--) t = t.squeeze(sortedDims[i]);
        return t;
    }
}
