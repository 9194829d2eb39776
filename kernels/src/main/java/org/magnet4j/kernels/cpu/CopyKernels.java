package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Strided copies with dtype conversion, fills, and transfers to and from Java arrays. */
final class CopyKernels {
    private CopyKernels() {}

    /**
     * Rows per block of the float32 strided copy. When a block's rows start at consecutive source elements (a
     * transpose, e.g. OCR's [C, HW] to [HW, C]), each source cache line feeds TILE rows at once instead of one.
     */
    private static final int TILE = 16;

    static void copyInto(Tensor src, Tensor dst) {
        Rows[] rr = Rows.coalesced(src, dst); // a contiguous-to-contiguous copy becomes one arraycopy
        Rows rs = rr[0], rd = rr[1];
        CpuStorage ss = (CpuStorage) src.storage(), ds = (CpuStorage) dst.storage();
        int inner = rd.inner;
        if (src.dtype() == dst.dtype() && rs.innerStride == 1 && rd.innerStride == 1) {
            Object sa = ss.array, da = ds.array;
            Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
                for (int r = lo; r < hi; r++) System.arraycopy(sa, rs.start(r), da, rd.start(r), inner);
            });
            return;
        }
        if (src.dtype() == DType.FLOAT32 && dst.dtype() == DType.FLOAT32) {
            float[] sa = (float[]) ss.array, da = (float[]) ds.array;
            int si = rs.innerStride, di = rd.innerStride;
            Parallel.forRange((rd.rows + TILE - 1) / TILE, Math.max(1, 32768 / Math.max(inner * TILE, 1)), (lo, hi) -> {
                int[] s = new int[TILE], d = new int[TILE];
                for (int blk = lo; blk < hi; blk++) {
                    int r0 = blk * TILE, n = Math.min(TILE, rd.rows - r0);
                    boolean transposing = n == TILE && si != 1;
                    for (int t = 0; t < n; t++) {
                        s[t] = rs.start(r0 + t);
                        d[t] = rd.start(r0 + t);
                        transposing &= s[t] == s[0] + t;
                    }
                    if (transposing) { // a transpose: these rows read side by side, so go column block by column block
                        for (int j0 = 0; j0 < inner; j0 += TILE)
                            for (int j = j0, j1 = Math.min(inner, j0 + TILE); j < j1; j++)
                                for (int t = 0, at = s[0] + j * si; t < TILE; t++) da[d[t] + j * di] = sa[at + t];
                    } else {
                        for (int t = 0; t < n; t++) for (int i = 0; i < inner; i++) da[d[t] + i * di] = sa[s[t] + i * si];
                    }
                }
            });
            return;
        }
        if (src.dtype().isComputeFloat() && dst.dtype().isComputeFloat()) { // float32/float64 in any mix: plain casts
            copyFloats(ss.array, rs, ds.array, rd, inner);
            return;
        }
        Buf sb = Buf.of(ss), db = Buf.of(ds);
        boolean exactLong = src.dtype() == DType.INT64 && dst.dtype() == DType.INT64;
        long[] sl = exactLong ? (long[]) ss.array : null, dl = exactLong ? (long[]) ds.array : null;
        int si = rs.innerStride, di = rd.innerStride;
        Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int s = rs.start(r), d = rd.start(r);
                if (exactLong) for (int i = 0; i < inner; i++) dl[d + i * di] = sl[s + i * si];
                else for (int i = 0; i < inner; i++) db.set(d + i * di, sb.get(s + i * si));
            }
        });
    }

    /**
     * Row runs from float32 to float64, float64 to float32 or float64 to float64 (float32 to float32 has its own
     * path above): widening is exact, narrowing rounds to nearest as the generic path's cast does; strided,
     * without the per-element dispatch of {@link Buf}.
     */
    private static void copyFloats(Object sa, Rows rs, Object da, Rows rd, int inner) {
        int si = rs.innerStride, di = rd.innerStride;
        Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int s = rs.start(r), d = rd.start(r);
                if (sa instanceof float[] f) { double[] o = (double[]) da; for (int i = 0; i < inner; i++) o[d + i * di] = f[s + i * si]; }
                else if (da instanceof float[] o) { double[] f = (double[]) sa; for (int i = 0; i < inner; i++) o[d + i * di] = (float) f[s + i * si]; }
                else { double[] f = (double[]) sa, o = (double[]) da; for (int i = 0; i < inner; i++) o[d + i * di] = f[s + i * si]; }
            }
        });
    }

    static void fill(Tensor dst, double value) {
        Rows rd = Rows.coalesced(dst)[0];
        CpuStorage ds = (CpuStorage) dst.storage();
        Buf db = Buf.of(ds);
        int inner = rd.inner, di = rd.innerStride;
        Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int d = rd.start(r);
                for (int i = 0; i < inner; i++) db.set(d + i * di, value);
            }
        });
    }

    /** A row-major copy of the view as a Java array of its dtype. */
    static Object download(Tensor t) {
        CpuStorage s = (CpuStorage) t.storage();
        int n = t.numel();
        Object out = CpuStorage.newArray(t.dtype(), n);
        if (t.isContiguous()) {
            System.arraycopy(s.array, t.offset(), out, 0, n);
            return out;
        }
        CpuBackend b = (CpuBackend) t.backend();
        Tensor dst = Tensor.of(new CpuStorage(b, t.dtype(), out, n), t.shape());
        copyInto(t, dst);
        return out;
    }
}
