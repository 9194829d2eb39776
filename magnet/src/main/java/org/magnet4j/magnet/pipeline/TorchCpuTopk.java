package org.magnet4j.magnet.pipeline;

/**
 * Top-k of a 1-D array with exactly PyTorch's CPU tie order, so MagNet picks the same pixels as the
 * reference when error scores tie at the k-th value (nearest upsampling of a median-blurred map makes
 * 2x2 and larger blocks of equal scores, so the cut often falls inside a block).
 *
 * <p>PyTorch 1.13's CPU topk (ATen TopKImpl.h) fills (value, index) pairs and calls
 * {@code std::partial_sort} when {@code k * 64 <= n}, else {@code std::nth_element} at k-1, with the
 * comparator "NaN first, then greater value" — both deterministic in GCC's libstdc++, which Debian's
 * PyTorch is built with. This class ports those libstdc++ algorithms (introselect with median-of-3 pivots
 * and an unguarded Hoare partition, heap select, insertion sort) step for step; only which indices come
 * first matters, so the final sort of the selection is skipped.
 */
final class TorchCpuTopk {
    private final double[] v;
    private final int[] idx;

    private TorchCpuTopk(float[] values) {
        v = new double[values.length];
        idx = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i];
            idx[i] = i;
        }
    }

    /** The flat indices of the k largest values, as the reference's {@code topk} would pick them (in no particular order). */
    static int[] largest(float[] values, int k) {
        int n = values.length;
        if (k <= 0) return new int[0];
        if (k > n) throw new IllegalArgumentException("topk: k=" + k + " > " + n + " values");
        TorchCpuTopk q = new TorchCpuTopk(values);
        if ((long) k * 64 <= n) q.heapSelect(0, k, n);
        else q.nthElement(0, k - 1, n);
        return java.util.Arrays.copyOf(q.idx, k);
    }

    /** comp(a, b): a goes before b, i.e. a is NaN and b is not, or a > b. */
    private boolean less(double a, double b) { return (Double.isNaN(a) && !Double.isNaN(b)) || a > b; }

    private boolean less(int i, int j) { return less(v[i], v[j]); }

    private void swap(int i, int j) {
        double t = v[i]; v[i] = v[j]; v[j] = t;
        int u = idx[i]; idx[i] = idx[j]; idx[j] = u;
    }

    // ---- std::nth_element -------------------------------------------------------------------------------
    private void nthElement(int first, int nth, int last) {
        if (first == last || nth == last) return;
        int depth = 2 * (31 - Integer.numberOfLeadingZeros(last - first));
        while (last - first > 3) {
            if (depth == 0) {
                heapSelect(first, nth + 1, last);
                swap(first, nth);
                return;
            }
            depth--;
            int cut = partitionPivot(first, last);
            if (cut <= nth) first = cut;
            else last = cut;
        }
        insertionSort(first, last);
    }

    private int partitionPivot(int first, int last) {
        int mid = first + (last - first) / 2;
        moveMedianToFirst(first, first + 1, mid, last - 1);
        return unguardedPartition(first + 1, last, first);
    }

    private void moveMedianToFirst(int result, int a, int b, int c) {
        if (less(a, b)) {
            if (less(b, c)) swap(result, b);
            else if (less(a, c)) swap(result, c);
            else swap(result, a);
        } else if (less(a, c)) swap(result, a);
        else if (less(b, c)) swap(result, c);
        else swap(result, b);
    }

    private int unguardedPartition(int first, int last, int pivot) {
        while (true) {
            while (less(first, pivot)) first++;
            last--;
            while (less(pivot, last)) last--;
            if (!(first < last)) return first;
            swap(first, last);
            first++;
        }
    }

    private void insertionSort(int first, int last) {
        if (first == last) return;
        for (int i = first + 1; i != last; i++) {
            if (less(i, first)) {
                double val = v[i];
                int vi = idx[i];
                System.arraycopy(v, first, v, first + 1, i - first);
                System.arraycopy(idx, first, idx, first + 1, i - first);
                v[first] = val;
                idx[first] = vi;
            } else {
                double val = v[i];
                int vi = idx[i];
                int last2 = i, next = i - 1;
                while (less(val, v[next])) {
                    v[last2] = v[next];
                    idx[last2] = idx[next];
                    last2 = next;
                    next--;
                }
                v[last2] = val;
                idx[last2] = vi;
            }
        }
    }

    // ---- heap select (std::partial_sort's selection and introselect's fallback) ------------------------------
    private void heapSelect(int first, int middle, int last) {
        makeHeap(first, middle);
        for (int i = middle; i < last; i++)
            if (less(i, first)) popHeap(first, middle, i);
    }

    private void makeHeap(int first, int last) {
        int len = last - first;
        if (len < 2) return;
        int parent = (len - 2) / 2;
        while (true) {
            double val = v[first + parent];
            int vi = idx[first + parent];
            adjustHeap(first, parent, len, val, vi);
            if (parent == 0) return;
            parent--;
        }
    }

    private void popHeap(int first, int last, int result) {
        double val = v[result];
        int vi = idx[result];
        v[result] = v[first];
        idx[result] = idx[first];
        adjustHeap(first, 0, last - first, val, vi);
    }

    private void adjustHeap(int first, int hole, int len, double val, int vi) {
        int top = hole, second = hole;
        while (second < (len - 1) / 2) {
            second = 2 * (second + 1);
            if (less(first + second, first + second - 1)) second--;
            v[first + hole] = v[first + second];
            idx[first + hole] = idx[first + second];
            hole = second;
        }
        if ((len & 1) == 0 && second == (len - 2) / 2) {
            second = 2 * (second + 1);
            v[first + hole] = v[first + second - 1];
            idx[first + hole] = idx[first + second - 1];
            hole = second - 1;
        }
        int parent = (hole - 1) / 2;
        while (hole > top && less(v[first + parent], val)) {
            v[first + hole] = v[first + parent];
            idx[first + hole] = idx[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        v[first + hole] = val;
        idx[first + hole] = vi;
    }
}
