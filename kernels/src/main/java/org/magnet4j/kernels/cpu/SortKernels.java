package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Stable sort, top-k and median along a dim. */
final class SortKernels {
    private SortKernels() {}

    /** Returns {values, int64 indices}; stable (equal values keep index order) in both directions. NaN sorts as largest. */
    static Tensor[] sort(CpuBackend be, Tensor x, int dim, boolean descending) {
        Tensor c = x.contiguous();
        int[] shape = x.shape();
        ReduceKernels.Layout l = ReduceKernels.Layout.of(shape, dim);
        Tensor values = be.empty(x.dtype(), shape), indices = be.empty(DType.INT64, shape);
        Buf xb = Buf.of(c), vb = Buf.of(values);
        long[] ib = (long[]) ((CpuStorage) indices.storage()).array;
        int len = l.len(), inner = l.inner(), base = c.offset();
        Parallel.forRange(l.outer() * inner, Math.max(1, 4096 / Math.max(len, 1)), (lo, hi) -> {
            double[] key = new double[len];
            int[] idx = new int[len], tmp = new int[len];
            for (int p = lo; p < hi; p++) {
                int o = p / inner, i = p % inner, off = o * len * inner + i;
                for (int k = 0; k < len; k++) {
                    key[k] = xb.get(base + off + k * inner);
                    idx[k] = k;
                }
                mergeSort(key, idx, tmp, 0, len, descending);
                for (int k = 0; k < len; k++) {
                    vb.set(off + k * inner, key[idx[k]]);
                    ib[off + k * inner] = idx[k];
                }
            }
        });
        return new Tensor[] {values, indices};
    }

    /** a before b? NaN counts as the largest value; equal values are not "before" (keeps stability). */
    private static boolean before(double a, double b, boolean descending) {
        if (descending) return b < a || (Double.isNaN(a) && !Double.isNaN(b));
        return a < b || (Double.isNaN(b) && !Double.isNaN(a));
    }

    /** Stable sort of idx[lo,hi) by key; insertion sort for short runs. */
    private static void mergeSort(double[] key, int[] idx, int[] tmp, int lo, int hi, boolean desc) {
        if (hi - lo <= 24) {
            for (int i = lo + 1; i < hi; i++) {
                int v = idx[i], j = i - 1;
                while (j >= lo && before(key[v], key[idx[j]], desc)) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(key, idx, tmp, lo, mid, desc);
        mergeSort(key, idx, tmp, mid, hi, desc);
        int a = lo, b = mid, t = lo;
        while (a < mid && b < hi) tmp[t++] = before(key[idx[b]], key[idx[a]], desc) ? idx[b++] : idx[a++];
        while (a < mid) tmp[t++] = idx[a++];
        while (b < hi) tmp[t++] = idx[b++];
        System.arraycopy(tmp, lo, idx, lo, hi - lo);
    }
}
