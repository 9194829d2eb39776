package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Tensor;

/**
 * Walks a strided view one innermost row at a time, so general kernels pay index arithmetic per row, not
 * per element. Row r covers output elements [r*inner, (r+1)*inner) in row-major order.
 */
final class Rows {
    final int[] shape;
    final int[] strides;
    final int offset;
    final int inner;
    final int innerStride;
    final int rows;

    Rows(Tensor t) {
        int[] s = t.shape(), st = t.strides();
        if (s.length == 0) {
            s = new int[] {1};
            st = new int[] {1};
        }
        this.shape = s;
        this.strides = st;
        this.offset = t.offset();
        this.inner = s[s.length - 1];
        this.innerStride = st[s.length - 1];
        int n = 1;
        for (int i = 0; i < s.length - 1; i++) n *= s[i];
        this.rows = inner == 0 ? 0 : n;
    }

    /** Storage index of the first element of row r. */
    int start(int r) {
        int off = offset;
        for (int d = shape.length - 2; d >= 0; d--) {
            int size = shape[d];
            off += (r % size) * strides[d];
            r /= size;
        }
        return off;
    }

    /** Storage index of the i-th element (row-major) of the view. */
    int index(int i) { return start(i / inner) + (i % inner) * innerStride; }
}
