package org.magnet4j.tensor;

import java.util.Arrays;

/** Ops that return views over the same storage (no copy), each with its backward rule. */
final class Views {
    private Views() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = inferShape(x, newShape);
        int[] orig = x.shape();
        Tensor base = x.isContiguous() ? x : x.contiguous();
        Tensor out = new Tensor(base.storage(), shape, Shapes.contiguousStrides(shape), base.offset());
        // The copy is only ever seen through out: in inference its hold on the memory passes to out, so that
        // releasing out hands the memory back (a dropped holder would keep it from ever returning to the pool).
        if (base != x) base.release();
        return Autograd.record(out, "reshape", g -> new Tensor[] {g.reshape(orig)}, x);
    }

    private static int[] inferShape(Tensor x, int[] newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw new TensorException("reshape: more than one -1 in " + Shapes.str(newShape));
                infer = i;
            } else if (shape[i] < 0) {
                throw new TensorException("reshape: negative size in " + Shapes.str(newShape));
            } else known *= shape[i];
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) throw new TensorException("reshape: cannot view " + x.describe() + " as " + Shapes.str(newShape));
            shape[infer] = (int) (n / known);
        }
        if (Shapes.numel(shape) != n) throw new TensorException("reshape: cannot view " + x.describe() + " (" + n + " elements) as " + Shapes.str(newShape));
        return shape;
    }

    static Tensor flatten(Tensor x, int startDim, int endDim) {
        int r = x.dim();
        if (r == 0) return reshape(x, new int[] {1});
        int s = Shapes.dim("flatten", startDim, r), e = Shapes.dim("flatten", endDim, r);
        int[] shape = x.shape();
        int[] out = new int[r - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) out[k++] = shape[i];
        int m = 1;
        for (int i = s; i <= e; i++) m *= shape[i];
        out[k++] = m;
        for (int i = e + 1; i < r; i++) out[k++] = shape[i];
        return reshape(x, out);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int r = x.dim();
        if (dims.length != r) throw new TensorException("permute: " + dims.length + " dims given for " + x.describe());
        int[] shape = new int[r], strides = new int[r], inverse = new int[r];
        boolean[] seen = new boolean[r];
        int[] xs = x.shapeRef(), xt = x.stridesRef();
        for (int i = 0; i < r; i++) {
            int d = Shapes.dim("permute", dims[i], r);
            if (seen[d]) throw new TensorException("permute: dim " + d + " repeated in " + Arrays.toString(dims));
            seen[d] = true;
            shape[i] = xs[d];
            strides[i] = xt[d];
            inverse[d] = i;
        }
        Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
        return Autograd.record(out, "permute", g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        int r = x.dim();
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) dims[i] = i;
        int a = Shapes.dim("transpose", d0, r), b = Shapes.dim("transpose", d1, r);
        dims[a] = b;
        dims[b] = a;
        return permute(x, dims);
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shapes.dim("narrow", dim, x.dim());
        int size = x.shapeRef()[d];
        if (start < 0) start += size;
        if (start < 0 || length < 0 || start + length > size)
            throw new TensorException("narrow: range [" + start + ", " + (start + length) + ") out of bounds for dim " + d + " of " + x.describe());
        return slice(x, d, start, start + length, 1);
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shapes.dim("slice", dim, x.dim());
        int size = x.shapeRef()[d];
        if (step <= 0) throw new TensorException("slice: step must be positive, got " + step);
        if (start < 0) start += size;
        if (end < 0) end += size;
        start = Math.clamp(start, 0, size);
        end = Math.clamp(end, start, size);
        int[] shape = x.shape(), strides = x.strides();
        int n = (end - start + step - 1) / step;
        shape[d] = n;
        strides[d] *= step;
        Tensor out = new Tensor(x.storage(), shape, strides, x.offset() + start * x.stridesRef()[d]);
        int[] inShape = x.shape();
        final int s0 = start;
        return Autograd.record(out, "slice", g -> {
            Tensor gx = Tensor.zeros(g.device(), g.dtype(), inShape);
            gx.slice(d, s0, s0 + (n - 1) * step + 1, step).assign(g);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor select(Tensor x, int dim, int index) {
        int d = Shapes.dim("select", dim, x.dim());
        int size = x.shapeRef()[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) throw new TensorException("select: index " + index + " out of range for dim " + d + " of " + x.describe());
        return squeeze(narrow(x, d, i, 1), d);
    }

    static Tensor expand(Tensor x, int[] newShape) {
        int r = newShape.length, xr = x.dim();
        if (r < xr) throw new TensorException("expand: cannot expand " + x.describe() + " to fewer dims " + Shapes.str(newShape));
        int[] shape = new int[r], strides = new int[r];
        int[] xs = x.shapeRef(), xt = x.stridesRef();
        for (int i = 0; i < r; i++) {
            int j = i - (r - xr);
            int want = newShape[i];
            if (j < 0) {
                if (want < 0) throw new TensorException("expand: -1 not allowed for new leading dim in " + Shapes.str(newShape));
                shape[i] = want;
                strides[i] = 0;
            } else if (want == -1 || want == xs[j]) {
                shape[i] = xs[j];
                strides[i] = xt[j];
            } else if (xs[j] == 1) {
                shape[i] = want;
                strides[i] = 0;
            } else {
                throw new TensorException("expand: cannot expand " + x.describe() + " to " + Shapes.str(newShape));
            }
        }
        if (Arrays.equals(shape, xs)) return x;
        Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
        int[] inShape = x.shape();
        return Autograd.record(out, "expand", g -> new Tensor[] {Reductions.sumToShape(g, inShape)}, x);
    }

    static Tensor squeeze(Tensor x, int dim) {
        int d = Shapes.dim("squeeze", dim, x.dim());
        if (x.shapeRef()[d] != 1) return x;
        int[] shape = remove(x.shapeRef(), d), strides = remove(x.stridesRef(), d);
        Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
        int[] inShape = x.shape();
        return Autograd.record(out, "squeeze", g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.dim("unsqueeze", dim, x.dim() + 1);
        int[] shape = insert(x.shapeRef(), d, 1);
        int stride = d < x.dim() ? x.stridesRef()[d] * x.shapeRef()[d] : 1;
        int[] strides = insert(x.stridesRef(), d, stride);
        Tensor out = new Tensor(x.storage(), shape, strides, x.offset());
        return Autograd.record(out, "unsqueeze", g -> new Tensor[] {g.squeeze(d)}, x);
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
