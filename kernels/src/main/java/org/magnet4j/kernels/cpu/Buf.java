package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Element access by flat storage index for any dtype, computing in double. Used by the general (reference)
 * kernels; hot float32 paths read the float[] directly. Each implementation is final so a call site that
 * sees one or two dtypes is inlined by the JIT.
 */
public abstract sealed class Buf permits Buf.F32, Buf.F64, Buf.I64, Buf.I32, Buf.U8, Buf.Bool, Buf.F16, Buf.BF16 {
    public abstract double get(int i);

    public abstract void set(int i, double v);

    public static Buf of(Tensor t) { return of((CpuStorage) t.storage()); }

    public static Buf of(CpuStorage s) {
        Object a = s.array;
        return switch (s.dtype()) {
            case FLOAT32 -> new F32((float[]) a);
            case FLOAT64 -> new F64((double[]) a);
            case INT64 -> new I64((long[]) a);
            case INT32 -> new I32((int[]) a);
            case UINT8 -> new U8((byte[]) a);
            case BOOL -> new Bool((byte[]) a);
            case FLOAT16 -> new F16((short[]) a);
            case BFLOAT16 -> new BF16((short[]) a);
        };
    }

    public static final class F32 extends Buf {
        final float[] a;
        F32(float[] a) { this.a = a; }
        @Override public double get(int i) { return a[i]; }
        @Override public void set(int i, double v) { a[i] = (float) v; }
    }

    public static final class F64 extends Buf {
        final double[] a;
        F64(double[] a) { this.a = a; }
        @Override public double get(int i) { return a[i]; }
        @Override public void set(int i, double v) { a[i] = v; }
    }

    public static final class I64 extends Buf {
        final long[] a;
        I64(long[] a) { this.a = a; }
        @Override public double get(int i) { return a[i]; }
        @Override public void set(int i, double v) { a[i] = (long) v; }
    }

    public static final class I32 extends Buf {
        final int[] a;
        I32(int[] a) { this.a = a; }
        @Override public double get(int i) { return a[i]; }
        @Override public void set(int i, double v) { a[i] = (int) v; }
    }

    public static final class U8 extends Buf {
        final byte[] a;
        U8(byte[] a) { this.a = a; }
        @Override public double get(int i) { return a[i] & 0xff; }
        /** Wraps modulo 256 like a C cast of an integer value. */
        @Override public void set(int i, double v) { a[i] = (byte) (long) v; }
    }

    public static final class Bool extends Buf {
        final byte[] a;
        Bool(byte[] a) { this.a = a; }
        @Override public double get(int i) { return a[i] != 0 ? 1 : 0; }
        @Override public void set(int i, double v) { a[i] = (byte) (v != 0 ? 1 : 0); }
    }

    public static final class F16 extends Buf {
        final short[] a;
        F16(short[] a) { this.a = a; }
        @Override public double get(int i) { return DType.halfToFloat(a[i]); }
        @Override public void set(int i, double v) { a[i] = DType.floatToHalf((float) v); }
    }

    public static final class BF16 extends Buf {
        final short[] a;
        BF16(short[] a) { this.a = a; }
        @Override public double get(int i) { return DType.bfloat16ToFloat(a[i]); }
        @Override public void set(int i, double v) { a[i] = DType.floatToBfloat16((float) v); }
    }
}
