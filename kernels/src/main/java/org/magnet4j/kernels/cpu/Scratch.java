package org.magnet4j.kernels.cpu;

/**
 * Per-thread, grow-only work buffers (im2col columns, transposed weights), so steady-state inference
 * allocates and zeroes no fresh column buffers per convolution. A buffer's contents are left over from
 * its last use: callers must write every element they later read. Each slot is one buffer, so two
 * buffers in use at once need two slots.
 */
final class Scratch {
    static final int COL = 0, COL_T = 1, W_T = 2;
    private static final int SLOTS = 3;
    /** Larger one-off buffers (in elements) are handed out but not kept, so a huge input pins no memory. */
    private static final int MAX_KEPT = 1 << 25;

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[SLOTS][]);
    private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[SLOTS][]);

    private Scratch() {}

    /** A float buffer of at least n elements for this thread's slot. */
    static float[] floats(int slot, int n) {
        float[][] s = FLOATS.get();
        float[] a = s[slot];
        if (a != null && a.length >= n) return a;
        a = new float[n];
        if (n <= MAX_KEPT) s[slot] = a;
        return a;
    }

    static double[] doubles(int slot, int n) {
        double[][] s = DOUBLES.get();
        double[] a = s[slot];
        if (a != null && a.length >= n) return a;
        a = new double[n];
        if (n <= MAX_KEPT) s[slot] = a;
        return a;
    }
}
