package org.magnet4j.kernels.gpu;

import java.util.Arrays;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * A view's shape, strides and offset packed as the kernels' by-value struct View {int rank, offset; int
 * shape[8], stride[8];} (72 bytes, the same on CUDA and OpenCL). Size-1 dims are dropped and dims that walk memory
 * as one are merged, which keeps the row-major element order, so each operand of a kernel is simplified on its own.
 */
public final class StridedView {
    /** The most dims a view may have after merging (the kernels' MAXD). */
    public static final int MAXD = 8;
    /** Bytes of the packed struct. */
    public static final int BYTES = (2 + 2 * MAXD) * 4;

    private StridedView() {}

    public static int[] of(Tensor t) { return of(t.shape(), t.strides(), t.offset()); }

    /** Uncoalesced: the kernel needs the actual dims (e.g. gather coordinates). */
    public static int[] exact(int[] shape, int[] strides, int offset) {
        if (shape.length > MAXD) throw new TensorException("GPU kernels take at most " + MAXD + " dims: rank " + shape.length + " for shape " + Shapes.str(shape));
        return pack(shape.length, offset, shape, strides);
    }

    public static int[] contiguous(int[] shape) { return exact(shape, Shapes.contiguousStrides(shape), 0); }

    public static int[] of(int[] shape, int[] strides, int offset) {
        int[] s = new int[shape.length], st = new int[shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (r > 0 && st[r - 1] == strides[d] * shape[d]) {
                s[r - 1] *= shape[d];
                st[r - 1] = strides[d];
            } else {
                s[r] = shape[d];
                st[r] = strides[d];
                r++;
            }
        }
        if (r > MAXD) throw new TensorException("GPU kernels: view of shape " + Shapes.str(shape) + " strides "
                + Arrays.toString(strides) + " needs " + r + " dims after merging, more than " + MAXD);
        return pack(r, offset, s, st);
    }

    private static int[] pack(int rank, int offset, int[] shape, int[] strides) {
        int[] v = new int[2 + 2 * MAXD];
        v[0] = rank;
        v[1] = offset;
        for (int d = 0; d < rank; d++) {
            v[2 + d] = shape[d];
            v[2 + MAXD + d] = strides[d];
        }
        return v;
    }
}
