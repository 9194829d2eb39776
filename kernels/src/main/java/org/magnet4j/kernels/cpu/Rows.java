package org.magnet4j.kernels.cpu;

import java.util.Arrays;
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

    Rows(Tensor t) { this(t.shape(), t.strides(), t.offset()); }

    private Rows(int[] s, int[] st, int offset) {
        if (s.length == 0) {
            s = new int[] {1};
            st = new int[] {1};
        }
        this.shape = s;
        this.strides = st;
        this.offset = offset;
        this.inner = s[s.length - 1];
        this.innerStride = st[s.length - 1];
        int n = 1;
        for (int i = 0; i < s.length - 1; i++) n *= s[i];
        this.rows = inner == 0 ? 0 : n;
    }

    /**
     * Rows for views of one shape, with adjacent dims merged wherever every view steps through them as one
     * dim, and size-1 dims dropped. Row-major order is kept, so row r still covers elements [r*inner,
     * (r+1)*inner). A contiguous view becomes one row; [N,C,H,W] broadcast from [1,C,1,1] becomes N*C rows
     * of H*W with inner stride 0.
     */
    static Rows[] coalesced(Tensor... ts) {
        int[] shape = ts[0].shape();
        int k = ts.length, d = shape.length;
        int[] outShape = new int[Math.max(d, 1)];
        int[][] outStrides = new int[k][Math.max(d, 1)];
        int dims = 0; // merged dims so far, innermost first
        for (int i = d - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            boolean merge = dims > 0;
            for (int t = 0; t < k && merge; t++)
                merge = ts[t].strides()[i] == outStrides[t][dims - 1] * outShape[dims - 1];
            if (merge) {
                outShape[dims - 1] *= shape[i];
                continue;
            }
            outShape[dims] = shape[i];
            for (int t = 0; t < k; t++) outStrides[t][dims] = ts[t].strides()[i];
            dims++;
        }
        if (dims == 0) { // every dim has size 1 (or a 0-d view): one element
            outShape[0] = 1;
            for (int t = 0; t < k; t++) outStrides[t][0] = 1;
            dims = 1;
        }
        int[] s = reverse(outShape, dims);
        Rows[] out = new Rows[k];
        for (int t = 0; t < k; t++) out[t] = new Rows(s, reverse(outStrides[t], dims), ts[t].offset());
        return out;
    }

    private static int[] reverse(int[] a, int n) {
        int[] r = Arrays.copyOf(a, n);
        for (int i = 0; i < n / 2; i++) {
            int tmp = r[i];
            r[i] = r[n - 1 - i];
            r[n - 1 - i] = tmp;
        }
        return r;
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
