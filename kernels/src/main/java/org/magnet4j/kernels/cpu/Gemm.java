package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major matrix products C = A x B (+ C when accumulating). The float32 path is a register-blocked
 * Vector API kernel (4 rows x 2 vectors of accumulators, FMA over K); the float64 path is a plain
 * reference loop used for checks. Transposed operands are packed first so one kernel serves all cases.
 */
public final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int MR = 4;
    private static final int NR = 2 * VL;

    private Gemm() {}

    /** Columns of B packed per panel and rows of K per pass: a panel (KC x NC floats) stays in L2. */
    private static final int NC = 128;
    private static final int KC = 256;
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[KC * NC]);

    /**
     * C[m,n] (+)= sum_k A[m,k] B[k,n]; A is M x K with row stride lda, B is K x N with row stride ldb,
     * C is M x N with row stride ldc. Work is split into column panels of B (packed contiguously so the
     * micro-kernel streams it from cache), and into row blocks too when there are few panels.
     */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        int panels = (n + NC - 1) / NC;
        int rowSplit = Math.max(1, Math.min((m + MR - 1) / MR, (Parallel.threads() * 4 + panels - 1) / panels));
        int rowsPer = ((m + rowSplit - 1) / rowSplit + MR - 1) / MR * MR;
        int rowTasks = (m + rowsPer - 1) / rowsPer;
        long flops = 2L * m * n * k;
        int tasks = panels * rowTasks;
        Parallel.forRange(tasks, flops < (1 << 22) ? tasks : 1, (lo, hi) -> {
            float[] panel = PANEL.get();
            for (int t = lo; t < hi; t++) {
                int j0 = (t / rowTasks) * NC, i0 = (t % rowTasks) * rowsPer;
                int cols = Math.min(NC, n - j0), rows = Math.min(rowsPer, m - i0);
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int depth = Math.min(KC, k - p0);
                    pack(b, bOff + p0 * ldb + j0, ldb, depth, cols, panel);
                    boolean acc = accumulate || p0 > 0;
                    for (int i = 0; i < rows; i += MR)
                        block(Math.min(MR, rows - i), cols, depth, a, aOff + (i0 + i) * lda + p0, lda,
                                panel, 0, cols, c, cOff + (i0 + i) * ldc + j0, ldc, acc);
                }
            }
        });
    }

    private static void pack(float[] b, int off, int ldb, int depth, int cols, float[] panel) {
        for (int p = 0; p < depth; p++) System.arraycopy(b, off + p * ldb, panel, p * cols, cols);
    }

    private static void block(int rows, int cols, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean acc) {
        int j = 0;
        if (rows == MR) {
            for (; j + NR <= cols; j += NR) micro4x2(k, a, aOff, lda, b, bOff + j, ldb, c, cOff + j, ldc, acc);
        }
        for (; j + VL <= cols; j += VL) {
            for (int r = 0; r < rows; r++) {
                FloatVector s = FloatVector.zero(S);
                int ar = aOff + r * lda;
                for (int p = 0; p < k; p++) s = FloatVector.fromArray(S, b, bOff + p * ldb + j).fma(FloatVector.broadcast(S, a[ar + p]), s);
                if (acc) s = s.add(FloatVector.fromArray(S, c, cOff + r * ldc + j));
                s.intoArray(c, cOff + r * ldc + j);
            }
        }
        for (; j < cols; j++) {
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                int ar = aOff + r * lda;
                for (int p = 0; p < k; p++) s = Math.fma(a[ar + p], b[bOff + p * ldb + j], s);
                c[cOff + r * ldc + j] = acc ? c[cOff + r * ldc + j] + s : s;
            }
        }
    }

    private static void micro4x2(int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, boolean acc) {
        // Each K panel sums from zero and is then added to C: a two-level sum whose rounding error grows with
        // the panel depth (256), not with the whole K (up to 2430 in HRNet's OCR head).
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
        }
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(S, c, cOff)); c01 = c01.add(FloatVector.fromArray(S, c, cOff + VL));
            c10 = c10.add(FloatVector.fromArray(S, c, cOff + ldc)); c11 = c11.add(FloatVector.fromArray(S, c, cOff + ldc + VL));
            c20 = c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + VL));
            c30 = c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + VL));
        }
        c00.intoArray(c, cOff); c01.intoArray(c, cOff + VL);
        c10.intoArray(c, cOff + ldc); c11.intoArray(c, cOff + ldc + VL);
        c20.intoArray(c, cOff + 2 * ldc); c21.intoArray(c, cOff + 2 * ldc + VL);
        c30.intoArray(c, cOff + 3 * ldc); c31.intoArray(c, cOff + 3 * ldc + VL);
    }

    /** float64 reference: C (+)= A x B, same layout rules. */
    public static void dgemm(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        Parallel.forRange(m, Math.max(1, (1 << 16) / Math.max(1, n * k)), (lo, hi) -> {
            double[] row = new double[n];
            for (int i = lo; i < hi; i++) {
                java.util.Arrays.fill(row, 0);
                for (int p = 0; p < k; p++) {
                    double av = a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += av * b[bp + j];
                }
                int cr = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[cr + j] = accumulate ? c[cr + j] + row[j] : row[j];
            }
        });
    }
}
