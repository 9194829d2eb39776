package org.magnet4j.tensor.io;

import java.util.Arrays;
import java.util.Objects;
import org.magnet4j.tensor.DType;

/**
 * A row-major (C order) array as stored in a .npy file. {@code data} is the Java primitive array of the
 * dtype: float[] (FLOAT32), double[] (FLOAT64), long[] (INT64), int[] (INT32), byte[] (UINT8, and BOOL as
 * 0/1), short[] (FLOAT16 raw bits). A 0-d array has an empty shape and one element.
 */
public record NpyArray(DType dtype, int[] shape, Object data) {
    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        Class<?> expected = Npy.javaArrayClass(dtype);
        if (data.getClass() != expected)
            throw new IllegalArgumentException("dtype " + dtype + " needs a " + expected.getSimpleName()
                    + ", got a " + data.getClass().getSimpleName());
        long n = Npy.numel(shape);
        if (n < 0) throw new IllegalArgumentException("bad shape " + Arrays.toString(shape));
        int len = java.lang.reflect.Array.getLength(data);
        if (len != n)
            throw new IllegalArgumentException(len + " values do not fill shape " + Arrays.toString(shape));
    }

    @Override public int[] shape() { return shape.clone(); }

    /** Number of elements (1 for a 0-d array). */
    public int numel() { return java.lang.reflect.Array.getLength(data); }

    public float[] floats() { return (float[]) data; }

    public double[] doubles() { return (double[]) data; }

    public long[] longs() { return (long[]) data; }

    public int[] ints() { return (int[]) data; }

    public byte[] bytes() { return (byte[]) data; }

    public short[] shorts() { return (short[]) data; }

    /** Element i (row-major) widened to double; float16 is decoded. */
    public double getDouble(int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case UINT8, BOOL -> ((byte[]) data)[i] & 0xff;
            case FLOAT16 -> DType.halfToFloat(((short[]) data)[i]);
            case BFLOAT16 -> DType.bfloat16ToFloat(((short[]) data)[i]);
        };
    }

    @Override public boolean equals(Object o) {
        return o instanceof NpyArray other && dtype == other.dtype && Arrays.equals(shape, other.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {other.data});
    }

    @Override public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
    }

    @Override public String toString() { return "NpyArray(" + dtype + Arrays.toString(shape) + ")"; }
}
