package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** gather, scatter (write or add) and masked select/scatter. Indices were range-checked by the front end. */
final class IndexKernels {
    private IndexKernels() {}

    /** Storage offset in t of the element at coords, with coordinate dim replaced by at. */
    private static int offsetOf(Tensor t, int[] coords, int dim, int at) {
        int[] st = t.strides();
        int off = t.offset();
        for (int i = 0; i < coords.length; i++) off += (i == dim ? at : coords[i]) * st[i];
        return off;
    }

    /** Advances a row-major odometer over shape. */
    private static void next(int[] coords, int[] shape) {
        for (int i = shape.length - 1; i >= 0; i--) {
            if (++coords[i] < shape[i]) return;
            coords[i] = 0;
        }
    }

    static Tensor gather(CpuBackend be, Tensor x, int dim, Tensor index) {
        Tensor ic = index.contiguous();
        int[] shape = index.shape();
        Tensor out = be.empty(x.dtype(), shape);
        long[] ia = (long[]) ((CpuStorage) ic.storage()).array;
        int io = ic.offset(), n = out.numel();
        int[] coords = new int[shape.length];
        if (x.dtype() == DType.INT64) {
            long[] xa = (long[]) ((CpuStorage) x.storage()).array, oa = (long[]) ((CpuStorage) out.storage()).array;
            for (int p = 0; p < n; p++, next(coords, shape)) oa[p] = xa[offsetOf(x, coords, dim, (int) ia[io + p])];
            return out;
        }
        Buf xb = Buf.of(x), ob = Buf.of(out);
        for (int p = 0; p < n; p++, next(coords, shape)) ob.set(p, xb.get(offsetOf(x, coords, dim, (int) ia[io + p])));
        return out;
    }

    static Tensor scatter(CpuBackend be, Tensor base, int dim, Tensor index, Tensor src, boolean accumulate) {
        Tensor out = be.empty(base.dtype(), base.shape());
        CopyKernels.copyInto(base, out);
        Tensor ic = index.contiguous();
        int[] shape = index.shape();
        long[] ia = (long[]) ((CpuStorage) ic.storage()).array;
        int io = ic.offset(), n = index.numel();
        int[] coords = new int[shape.length];
        Buf ob = Buf.of(out), sb = Buf.of(src);
        for (int p = 0; p < n; p++, next(coords, shape)) {
            int t = offsetOf(out, coords, dim, (int) ia[io + p]);
            double v = sb.get(offsetOf(src, coords, -1, 0));
            ob.set(t, accumulate ? ob.get(t) + v : v);
        }
        return out;
    }

    static Tensor maskedSelect(CpuBackend be, Tensor x, Tensor mask) {
        Tensor xc = x.contiguous(), mc = mask.contiguous();
        byte[] ma = (byte[]) ((CpuStorage) mc.storage()).array;
        int n = x.numel(), mo = mc.offset(), count = 0;
        for (int i = 0; i < n; i++) if (ma[mo + i] != 0) count++;
        Tensor out = be.empty(x.dtype(), count);
        Buf xb = Buf.of(xc), ob = Buf.of(out);
        int xo = xc.offset(), k = 0;
        for (int i = 0; i < n; i++) if (ma[mo + i] != 0) ob.set(k++, xb.get(xo + i));
        return out;
    }

    static Tensor maskedScatter(CpuBackend be, Tensor base, Tensor mask, Tensor src) {
        Tensor out = be.empty(base.dtype(), base.shape());
        CopyKernels.copyInto(base, out);
        Tensor mc = mask.contiguous(), sc = src.contiguous();
        byte[] ma = (byte[]) ((CpuStorage) mc.storage()).array;
        Buf ob = Buf.of(out), sb = Buf.of(sc);
        int n = out.numel(), mo = mc.offset(), so = sc.offset(), k = 0;
        for (int i = 0; i < n; i++) if (ma[mo + i] != 0) ob.set(i, sb.get(so + k++));
        return out;
    }
}
