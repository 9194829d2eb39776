package org.magnet4j.kernels.cpu;

import java.util.Arrays;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Stable sort, top-k and median along a dim, with PyTorch's ordering: NaN sorts as the largest value, -0.0 and
 * 0.0 are equal, and equal values keep ascending index order in both directions (torch.sort(stable=True)).
 *
 * <p>Every element becomes a signed 64-bit key whose order is the value order (descending flips the key).
 * float32 keys fit in 32 bits, so key and index pack into one long: the packed values are unique and a plain
 * primitive sort or quickselect on them is already stable. Wider dtypes sort a permutation of indices by
 * (key, index) instead.
 */
final class SortKernels {
    private SortKernels() {}

    /** Rows at least this long are worth a parallel sort/select when there is only one row. */
    private static final int BIG_ROW = 1 << 16;

    /** Returns {values, int64 indices}; stable (equal values keep index order) in both directions. */
    static Tensor[] sort(CpuBackend be, Tensor x, int dim, boolean descending) {
        int len = x.dim() == 0 ? 1 : x.shape()[dim];
        return select(be, x, dim, descending, len, Mode.SORT);
    }

    /** The k smallest (largest) along dim, sorted, ties lower index first. */
    static Tensor[] topk(CpuBackend be, Tensor x, int k, int dim, boolean largest) {
        return select(be, x, dim, largest, k, Mode.TOPK);
    }

    /**
     * torch.median(dim): the lower median, the ((n-1)/2)-th smallest. Its index is the one that element has
     * in the stable ascending order (for ties: among equal values the one at that rank in index order), which
     * is what PyTorch 1.13 returned in every tie case we checked (its CPU kernel uses nth_element, so it does
     * not promise one). A row holding NaN gives NaN and the index of its first NaN, as PyTorch.
     */
    static Tensor[] median(CpuBackend be, Tensor x, int dim) {
        return select(be, x, dim, false, 1, Mode.MEDIAN);
    }

    private enum Mode { SORT, TOPK, MEDIAN }

    private static Tensor[] select(CpuBackend be, Tensor x, int dim, boolean descending, int outLen, Mode mode) {
        Tensor xc = x.contiguous();
        int[] shape = x.shape();
        ReduceKernels.Layout l = ReduceKernels.Layout.of(shape, dim);
        if (shape.length > 0) shape[dim] = outLen;
        Tensor values = be.empty(x.dtype(), shape), indices = be.empty(DType.INT64, shape);
        int len = l.len(), inner = l.inner(), rows = l.outer() * inner;
        if (rows == 0 || outLen == 0 || len == 0) return new Tensor[] {values, indices};
        long[] ia = (long[]) ((CpuStorage) indices.storage()).array;
        int xo = xc.offset();
        if (x.dtype() == DType.FLOAT32) {
            float[] xa = (float[]) ((CpuStorage) xc.storage()).array;
            float[] va = (float[]) ((CpuStorage) values.storage()).array;
            if (rows == 1 && len >= BIG_ROW && mode != Mode.MEDIAN) {
                bigRowF32(xa, xo, inner, len, descending, outLen, va, ia);
                return new Tensor[] {values, indices};
            }
            if (mode == Mode.TOPK && inner > 1 && outLen <= SMALL_K && outLen <= len) {
                smallTopkF32(xa, xo, l.outer(), len, inner, descending, outLen, va, ia);
                return new Tensor[] {values, indices};
            }
            Parallel.forRange(rows, Math.max(1, 8192 / len), (lo, hi) -> {
                long[] buf = new long[len];
                for (int r = lo; r < hi; r++) {
                    int o = r / inner, i = r % inner, xb = xo + o * len * inner + i, ob = o * outLen * inner + i;
                    if (mode == Mode.MEDIAN) {
                        int nan = -1;
                        for (int j = 0; j < len; j++)
                            if (Float.isNaN(xa[xb + j * inner])) { nan = j; break; }
                        if (nan >= 0) {
                            va[ob] = xa[xb + nan * inner];
                            ia[ob] = nan;
                            continue;
                        }
                    }
                    for (int j = 0; j < len; j++) buf[j] = pack(xa[xb + j * inner], j, descending);
                    int from = 0, to = outLen;
                    if (mode == Mode.SORT) Arrays.sort(buf);
                    else if (mode == Mode.MEDIAN) {
                        int m = (len - 1) / 2;
                        quickselect(buf, 0, len, m);
                        from = m;
                        to = m + 1;
                    } else if ((long) outLen * 4 < len) {
                        quickselect(buf, 0, len, outLen - 1);
                        Arrays.sort(buf, 0, outLen);
                    } else Arrays.sort(buf);
                    for (int j = from; j < to; j++) {
                        int src = (int) buf[j];
                        va[ob + (j - from) * inner] = xa[xb + src * inner];
                        ia[ob + (j - from) * inner] = src;
                    }
                }
            });
            return new Tensor[] {values, indices};
        }
        // 64-bit keys: a permutation sorted or selected by (key, index)
        Buf xbuf = Buf.of(xc), vbuf = Buf.of(values);
        long[] xl = x.dtype() == DType.INT64 ? (long[]) ((CpuStorage) xc.storage()).array : null;
        long[] vl = x.dtype() == DType.INT64 ? (long[]) ((CpuStorage) values.storage()).array : null;
        Parallel.forRange(rows, Math.max(1, 8192 / len), (lo, hi) -> {
            long[] keys = new long[len];
            int[] perm = new int[len], tmp = new int[len];
            for (int r = lo; r < hi; r++) {
                int o = r / inner, i = r % inner, xb = xo + o * len * inner + i, ob = o * outLen * inner + i;
                int nan = -1;
                for (int j = 0; j < len; j++) {
                    long key;
                    if (xl != null) key = xl[xb + j * inner];
                    else {
                        double v = xbuf.get(xb + j * inner);
                        if (nan < 0 && Double.isNaN(v)) nan = j;
                        key = key64(v);
                    }
                    keys[j] = descending ? ~key : key;
                    perm[j] = j;
                }
                int from = 0, to = outLen;
                if (mode == Mode.MEDIAN && nan >= 0) {
                    perm[0] = nan;
                } else if (mode == Mode.SORT) mergeSort(perm, tmp, 0, len, keys);
                else if (mode == Mode.MEDIAN) {
                    int m = (len - 1) / 2;
                    quickselect(perm, 0, len, m, keys);
                    from = m;
                    to = m + 1;
                } else if ((long) outLen * 4 < len) {
                    quickselect(perm, 0, len, outLen - 1, keys);
                    mergeSort(perm, tmp, 0, outLen, keys);
                } else mergeSort(perm, tmp, 0, len, keys);
                for (int j = from; j < to; j++) {
                    int src = perm[j], at = ob + (j - from) * inner;
                    if (xl != null) vl[at] = xl[xb + src * inner];
                    else vbuf.set(at, xbuf.get(xb + src * inner));
                    ia[at] = src;
                }
            }
        });
        return new Tensor[] {values, indices};
    }

    /**
     * One long float32 row (e.g. MagNet's top-k over 2M pixels). For k up to a quarter of the row, a histogram of
     * the keys' top bits finds the bin that holds the k-th key; only the elements up to that bin (about k) are
     * packed, selected and sorted. Otherwise every key is packed and the row sorted in parallel.
     */
    private static void bigRowF32(float[] xa, int xo, int stride, int len, boolean descending, int k, float[] va, long[] ia) {
        long[] top;
        if (k < len && (long) k * 4 <= len) {
            top = radixCandidates(xa, xo, stride, len, descending, k);
            if (top.length > k) quickselect(top, 0, top.length, k - 1);
            if (k >= BIG_ROW) Arrays.parallelSort(top, 0, k);
            else Arrays.sort(top, 0, k);
        } else {
            long[] keys = new long[len];
            Parallel.forRange(len, 1 << 14, (lo, hi) -> {
                for (int j = lo; j < hi; j++) keys[j] = pack(xa[xo + j * stride], j, descending);
            });
            Arrays.parallelSort(keys);
            top = keys;
        }
        long[] t = top;
        Parallel.forRange(k, 1 << 14, (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                int src = (int) t[j];
                va[j * stride] = xa[xo + src * stride];
                ia[j * stride] = src;
            }
        });
    }

    /**
     * Bits of a key that {@link #radixCandidates} counts: 65536 bins (a 256 KB histogram per thread). With 4096,
     * scores in [0, 1) shared so few bins that the bin of the 32,768th largest of 2M held 131,072 keys.
     */
    private static final int RADIX_BITS = 16;

    /**
     * The packed keys of every element whose key falls in a bin (its top {@link #RADIX_BITS} bits) no higher than
     * the bin of the k-th smallest key: the k smallest keys and the rest of that bin, in index order. Two passes
     * over the row in fixed chunks: per-chunk histograms, then each chunk writes its candidates at its own offset.
     */
    private static long[] radixCandidates(float[] xa, int xo, int stride, int len, boolean descending, int k) {
        int bins = 1 << RADIX_BITS, chunks = Math.max(1, Math.min(Parallel.threads(), len >> 14)), chunk = (len + chunks - 1) / chunks;
        int[][] hist = new int[chunks][];
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int[] h = new int[bins];
                for (int j = c * chunk, end = Math.min(len, j + chunk); j < end; j++) h[bin(xa[xo + j * stride], descending)]++;
                hist[c] = h;
            }
        });
        long below = 0;
        int last = 0;
        for (; last < bins - 1; last++) { // the bin holding the k-th smallest key
            long n = 0;
            for (int[] h : hist) n += h[last];
            if (below + n >= k) break;
            below += n;
        }
        int[] start = new int[chunks + 1];
        for (int c = 0; c < chunks; c++) {
            int n = 0;
            for (int b = 0; b <= last; b++) n += hist[c][b];
            start[c + 1] = start[c] + n;
        }
        long[] cand = new long[start[chunks]];
        int upTo = last;
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int at = start[c];
                for (int j = c * chunk, end = Math.min(len, j + chunk); j < end; j++) {
                    float v = xa[xo + j * stride];
                    if (bin(v, descending) <= upTo) cand[at++] = pack(v, j, descending);
                }
            }
        });
        return cand;
    }

    /** The top bits of {@link #pack}'s key, as an unsigned bin number in the same order as the packed keys. */
    private static int bin(float v, boolean descending) {
        int key = key32(v);
        return ((descending ? ~key : key) ^ Integer.MIN_VALUE) >>> (32 - RADIX_BITS);
    }

    /** Largest k of the strided fast path (MagNet's certainty takes the top 2 of 19 classes at every pixel). */
    private static final int SMALL_K = 8;
    /** Positions of the inner dim handled together by {@link #smallTopkF32}. */
    private static final int SMALL_K_BLOCK = 64;

    /**
     * Top-k (k &lt;= {@link #SMALL_K}) along a dim with inner positions (the line of position i is
     * x[o][0..len)[i]): the dim is walked outside and a block of positions inside, so memory is read in runs
     * instead of one float per line per step, and each position keeps its k best packed keys by insertion.
     * Keys are unique and ordered as the stable sort orders them, so the result is the stable sort's prefix,
     * as in the general path.
     */
    private static void smallTopkF32(float[] xa, int xo, int outer, int len, int inner, boolean descending, int k,
                                     float[] va, long[] ia) {
        int blocks = (inner + SMALL_K_BLOCK - 1) / SMALL_K_BLOCK;
        Parallel.forRange(outer * blocks, Math.max(1, (1 << 14) / Math.max(1, len * Math.min(inner, SMALL_K_BLOCK))), (lo, hi) -> {
            long[] best = new long[k * SMALL_K_BLOCK]; // best[r * SMALL_K_BLOCK + b]: position b's r-th key
            for (int t = lo; t < hi; t++) {
                int o = t / blocks, i0 = (t % blocks) * SMALL_K_BLOCK, width = Math.min(SMALL_K_BLOCK, inner - i0);
                int xb = xo + o * len * inner + i0, last = (k - 1) * SMALL_K_BLOCK;
                Arrays.fill(best, Long.MAX_VALUE); // above every key: a key's low half is a non-negative index
                for (int j = 0; j < len; j++)
                    for (int b = 0, at = xb + j * inner; b < width; b++) {
                        long key = pack(xa[at + b], j, descending);
                        for (int r = b; r <= last + b; r += SMALL_K_BLOCK) { // insertion without branches: min stays, max moves on
                            long kept = best[r];
                            best[r] = Math.min(kept, key);
                            key = Math.max(kept, key);
                        }
                    }
                int ob = o * k * inner + i0;
                for (int r = 0; r < k; r++)
                    for (int b = 0; b < width; b++) {
                        int src = (int) best[r * SMALL_K_BLOCK + b];
                        va[ob + r * inner + b] = xa[xb + src * inner + b];
                        ia[ob + r * inner + b] = src;
                    }
            }
        });
    }

    /** A signed 32-bit key in value order: NaN (any payload) above +inf, -0.0 equal to 0.0. */
    static int key32(float v) {
        int b = Float.floatToIntBits(v == 0f ? 0f : v);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** Key (flipped when descending) in the high half, index in the low half: unique and order-preserving. */
    static long pack(float v, int index, boolean descending) {
        int k = key32(v);
        return ((long) (descending ? ~k : k) << 32) | index;
    }

    /** The 64-bit counterpart of {@link #key32}. */
    static long key64(double v) {
        long b = Double.doubleToLongBits(v == 0.0 ? 0.0 : v);
        return b ^ ((b >> 63) & Long.MAX_VALUE);
    }

    /**
     * Rearranges a[lo, hi) so that a[k] holds the value it would have after sorting and everything before it is
     * smaller (values are distinct). Median-of-three quickselect; falls back to a full sort after too many rounds.
     */
    static void quickselect(long[] a, int lo, int hi, int k) {
        int rounds = 0;
        while (hi - lo > 16) {
            if (++rounds > 64) {
                Arrays.sort(a, lo, hi);
                return;
            }
            int mid = (lo + hi) >>> 1;
            long p0 = a[lo], p1 = a[mid], p2 = a[hi - 1];
            long pivot = Math.max(Math.min(p0, p1), Math.min(Math.max(p0, p1), p2));
            int i = lo, j = hi - 1;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j + 1;
            else if (k >= i) lo = i;
            else return;
        }
        for (int i = lo + 1; i < hi; i++) {
            long v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private static boolean less(int a, int b, long[] keys) {
        long ka = keys[a], kb = keys[b];
        return ka < kb || (ka == kb && a < b);
    }

    /** {@link #quickselect(long[], int, int, int)} on a permutation ordered by (keys[p], p). */
    static void quickselect(int[] a, int lo, int hi, int k, long[] keys) {
        int rounds = 0;
        while (hi - lo > 16) {
            if (++rounds > 64) {
                mergeSort(a, new int[hi], lo, hi, keys);
                return;
            }
            int mid = (lo + hi) >>> 1;
            int p0 = a[lo], p1 = a[mid], p2 = a[hi - 1];
            int pivot;
            if (less(p0, p1, keys)) pivot = less(p1, p2, keys) ? p1 : (less(p0, p2, keys) ? p2 : p0);
            else pivot = less(p0, p2, keys) ? p0 : (less(p1, p2, keys) ? p2 : p1);
            int i = lo, j = hi - 1;
            while (i <= j) {
                while (less(a[i], pivot, keys)) i++;
                while (less(pivot, a[j], keys)) j--;
                if (i <= j) {
                    int t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j + 1;
            else if (k >= i) lo = i;
            else return;
        }
        for (int i = lo + 1; i < hi; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= lo && less(v, a[j], keys)) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** Sorts a[lo, hi) by (keys[p], p); tmp is scratch of at least hi elements. */
    static void mergeSort(int[] a, int[] tmp, int lo, int hi, long[] keys) {
        if (hi - lo <= 24) {
            for (int i = lo + 1; i < hi; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= lo && less(v, a[j], keys)) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(a, tmp, lo, mid, keys);
        mergeSort(a, tmp, mid, hi, keys);
        if (!less(a[mid], a[mid - 1], keys)) return;
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo, j = mid, o = lo;
        while (i < mid && j < hi) a[o++] = less(tmp[j], tmp[i], keys) ? tmp[j++] : tmp[i++];
        while (i < mid) a[o++] = tmp[i++];
        while (j < hi) a[o++] = tmp[j++];
    }
}
