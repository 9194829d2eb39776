package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Storage;

/**
 * A CPU storage: a Java array of the dtype's kind (float[], double[], long[], int[], byte[] for uint8 and
 * bool, short[] for float16/bfloat16 bits). Heap arrays keep the Vector API fast paths simple.
 */
public final class CpuStorage extends Storage {
    final Object array;

    CpuStorage(Backend backend, DType dtype, Object array, int numel) {
        super(backend, dtype, numel);
        this.array = array;
    }

    static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case UINT8, BOOL -> new byte[n];
            case FLOAT16, BFLOAT16 -> new short[n];
        };
    }

    static Class<?> arrayClass(DType dtype) {
        return newArray(dtype, 0).getClass();
    }

    public Object array() { return array; }
}
