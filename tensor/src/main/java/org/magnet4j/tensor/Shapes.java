package org.magnet4j.tensor;

import java.util.Arrays;

/** Shape and stride arithmetic shared by the front end and the backends. */
public final class Shapes {
    private Shapes() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new TensorException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 16) throw new TensorException("shape " + str(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    public static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** NumPy/PyTorch broadcasting of two shapes; the op name goes into the error. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new TensorException(op + ": shapes " + str(a) + " and " + str(b) + " are not broadcastable (dim " + i + ": " + da + " vs " + db + ")");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative dim against a rank; names the op on error. */
    public static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) throw new TensorException(op + ": dim " + dim + " out of range for a tensor of rank " + rank);
        return dim < 0 ? dim + r : dim;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }

    public static int[] concat(int[] a, int... b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
