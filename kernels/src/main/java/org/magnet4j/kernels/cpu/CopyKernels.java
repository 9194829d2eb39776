package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Strided copies with dtype conversion, fills, and transfers to and from Java arrays. */
final class CopyKernels {
    private CopyKernels() {}

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
            Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int s = rs.start(r), d = rd.start(r);
                    for (int i = 0; i < inner; i++) da[d + i * di] = sa[s + i * si];
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
     * Row runs between float32 and float64 arrays (widening is exact, narrowing rounds to nearest as the generic
     * path's cast does), strided, without the per-element dispatch of {@link Buf}.
     */
    private static void copyFloats(Object sa, Rows rs, Object da, Rows rd, int inner) {
        int si = rs.innerStride, di = rd.innerStride;
        Parallel.forRange(rd.rows, Math.max(1, 32768 / Math.max(inner, 1)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int s = rs.start(r), d = rd.start(r);
                if (sa instanceof float[] f && da instanceof double[] o) for (int i = 0; i < inner; i++) o[d + i * di] = f[s + i * si];
                else if (sa instanceof double[] f && da instanceof float[] o) for (int i = 0; i < inner; i++) o[d + i * di] = (float) f[s + i * si];
                else if (sa instanceof double[] f && da instanceof double[] o) for (int i = 0; i < inner; i++) o[d + i * di] = f[s + i * si];
                else { float[] f = (float[]) sa, o = (float[]) da; for (int i = 0; i < inner; i++) o[d + i * di] = f[s + i * si]; }
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
