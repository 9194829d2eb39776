package org.magnet4j.kernels.cpu;

/** The float64 matrix product, the checking path's: a plain loop whose numbers never depend on blocking or threads. */
public final class Float64Gemm {
    private Float64Gemm() {}

    /**
     * float64: C (+)= A x B, same layout rules. Each element is summed over k in order, a product then an add,
     * from zero (the plain triple loop's arithmetic, so the checking path's numbers never depend on blocking).
     * Rows of C go in blocks whose accumulators stay in cache while each row of B is read once per block
     * (streaming B once per row of C made OCR's float64 context a tenth of an HRNet forward).
     */
    public static void gemm(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        int rowsPer = Math.max(1, Math.min((1 << 15) / n, (m + Parallel.threads() - 1) / Parallel.threads())); // <= 256 KB
        int blocks = (m + rowsPer - 1) / rowsPer;
        Parallel.forRange(blocks, Math.max(1, (1 << 16) / Math.max(1, rowsPer * n * Math.max(k, 1))), (lo, hi) -> {
            double[] acc = new double[rowsPer * n];
            for (int blk = lo; blk < hi; blk++) {
                int i0 = blk * rowsPer, rows = Math.min(rowsPer, m - i0);
                java.util.Arrays.fill(acc, 0, rows * n, 0);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * ldb;
                    for (int r = 0; r < rows; r++) {
                        double av = a[aOff + (i0 + r) * lda + p];
                        for (int j = 0, o = r * n; j < n; j++) acc[o + j] += av * b[bp + j];
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int cr = cOff + (i0 + r) * ldc, o = r * n;
                    for (int j = 0; j < n; j++) c[cr + j] = accumulate ? c[cr + j] + acc[o + j] : acc[o + j];
                }
            }
        });
    }
}
