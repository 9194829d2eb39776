package org.magnet4j.kernels.cpu;

import java.lang.ref.SoftReference;

/**
 * Per-thread, grow-only work buffers (im2col columns, transposed weights), so steady-state inference
 * allocates and zeroes no fresh column buffers per convolution (an FPN head's 3x3 conv at 127x127 over
 * 512 channels needs a 300 MB column). Buffers are held softly: kept between calls, given back to the
 * collector when the heap runs short. A buffer's contents are left over from its last use: callers must
 * write every element they later read. Two buffers in use at once need two slots.
 */
final class Scratch {
    static final int COL = 0, COL_T = 1, W_T = 2, PADDED = 3, WINO_U = 4, WINO_V = 5, WINO_M = 6, WINO_SPLIT = 7, GEMM_A = 8, WINO_U_PACKED = 9,
            WINO_IN = 10, WINO_OUT = 11;
    private static final int SLOTS = 12;

    @SuppressWarnings("unchecked")
    private static final ThreadLocal<SoftReference<float[]>[]> FLOATS = ThreadLocal.withInitial(() -> new SoftReference[SLOTS]);
    @SuppressWarnings("unchecked")
    private static final ThreadLocal<SoftReference<double[]>[]> DOUBLES = ThreadLocal.withInitial(() -> new SoftReference[SLOTS]);

    private Scratch() {}

    /** A float buffer of at least n elements for this thread's slot. */
    static float[] floats(int slot, int n) {
        SoftReference<float[]>[] s = FLOATS.get();
        float[] a = s[slot] == null ? null : s[slot].get();
        if (a != null && a.length >= n) return a;
        s[slot] = null; // drop the old buffer before allocating its replacement
        a = new float[n];
        s[slot] = new SoftReference<>(a);
        return a;
    }

    static double[] doubles(int slot, int n) {
        SoftReference<double[]>[] s = DOUBLES.get();
        double[] a = s[slot] == null ? null : s[slot].get();
        if (a != null && a.length >= n) return a;
        s[slot] = null;
        a = new double[n];
        s[slot] = new SoftReference<>(a);
        return a;
    }
}
