package org.magnet4j.convert;

import java.util.Arrays;
import java.util.Objects;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * A tensor read from a checkpoint, as plain Java data: name, dtype, shape and the elements in row-major order,
 * already resolved from storage, offset and strides. {@code data} is the Java array of the dtype:
 * float[] (float32), double[] (float64), long[] (int64), int[] (int32), byte[] (uint8, bool as 0/1),
 * short[] (float16/bfloat16 bit patterns). It is independent of the compute backend; {@link #toTensor()}
 * hands it to the engine.
 */
public record StoredTensor(String name, DType dtype, int[] shape, Object data) {

    public StoredTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        long n = Shapes.numel(shape);
        if (n != length(data) || !arrayMatches(dtype, data))
            throw new IllegalArgumentException(name + ": " + describe(data) + " does not hold " + n + " " + dtype + " values");
    }

    public int[] shape() { return shape.clone(); }

    public long numel() { return length(data); }

    public long byteSize() { return numel() * dtype.byteSize(); }

    public StoredTensor withName(String newName) { return new StoredTensor(newName, dtype, shape, data); }

    /** float16/bfloat16 become float32 (exactly: every half value is a float); other dtypes are returned as is. */
    public StoredTensor widenHalf() {
        if (dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) return this;
        short[] bits = (short[]) data;
        float[] f = new float[bits.length];
        if (dtype == DType.FLOAT16) for (int i = 0; i < bits.length; i++) f[i] = DType.halfToFloat(bits[i]);
        else for (int i = 0; i < bits.length; i++) f[i] = DType.bfloat16ToFloat(bits[i]);
        return new StoredTensor(name, DType.FLOAT32, shape, f);
    }

    /** Every element as a double (exact for all dtypes but int64 beyond 2^53), row-major. */
    public double[] toDoubleArray() {
        int n = (int) numel();
        double[] out = new double[n];
        switch (data) {
            case float[] a -> { for (int i = 0; i < n; i++) out[i] = a[i]; }
            case double[] a -> System.arraycopy(a, 0, out, 0, n);
            case long[] a -> { for (int i = 0; i < n; i++) out[i] = a[i]; }
            case int[] a -> { for (int i = 0; i < n; i++) out[i] = a[i]; }
            case byte[] a -> { for (int i = 0; i < n; i++) out[i] = a[i] & 0xff; }
            case short[] a -> {
                for (int i = 0; i < n; i++)
                    out[i] = dtype == DType.FLOAT16 ? DType.halfToFloat(a[i]) : DType.bfloat16ToFloat(a[i]);
            }
            default -> throw new IllegalStateException(describe(data));
        }
        return out;
    }

    /** The engine tensor (CPU), with the same dtype, shape and elements. Needs the CPU backend on the class path. */
    public Tensor toTensor() {
        return switch (data) {
            case float[] a -> Tensor.fromArray(a, shape);
            case double[] a -> Tensor.fromArray(a, shape);
            case long[] a -> Tensor.fromArray(a, shape);
            case int[] a -> Tensor.fromArray(a, shape);
            case byte[] a -> Tensor.fromArray(a, dtype, shape);
            case short[] a -> Tensor.fromArray(a, dtype, shape);
            default -> throw new IllegalStateException(describe(data));
        };
    }

    /** Same name, dtype, shape and bit-identical elements. */
    public boolean contentEquals(StoredTensor o) {
        if (!name.equals(o.name) || dtype != o.dtype || !Arrays.equals(shape, o.shape)) return false;
        return switch (data) {
            // Compare bit patterns, so NaNs and signed zeros count as identical only when they are.
            case float[] a -> {
                float[] b = (float[]) o.data;
                for (int i = 0; i < a.length; i++) if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) yield false;
                yield true;
            }
            case double[] a -> {
                double[] b = (double[]) o.data;
                for (int i = 0; i < a.length; i++) if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) yield false;
                yield true;
            }
            case long[] a -> Arrays.equals(a, (long[]) o.data);
            case int[] a -> Arrays.equals(a, (int[]) o.data);
            case byte[] a -> Arrays.equals(a, (byte[]) o.data);
            case short[] a -> Arrays.equals(a, (short[]) o.data);
            default -> false;
        };
    }

    @Override public String toString() { return name + " " + dtype + " " + Arrays.toString(shape); }

    @Override public boolean equals(Object o) { return o instanceof StoredTensor t && contentEquals(t); }

    @Override public int hashCode() { return Objects.hash(name, dtype, Arrays.hashCode(shape)); }

    static int length(Object data) {
        return switch (data) {
            case float[] a -> a.length;
            case double[] a -> a.length;
            case long[] a -> a.length;
            case int[] a -> a.length;
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case null, default -> -1;
        };
    }

    private static boolean arrayMatches(DType dtype, Object data) {
        return switch (dtype) {
            case FLOAT32 -> data instanceof float[];
            case FLOAT64 -> data instanceof double[];
            case INT64 -> data instanceof long[];
            case INT32 -> data instanceof int[];
            case UINT8, BOOL -> data instanceof byte[];
            case FLOAT16, BFLOAT16 -> data instanceof short[];
        };
    }

    private static String describe(Object data) { return data == null ? "null" : data.getClass().getSimpleName(); }
}
