package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * out[b] = x[b] w[b]^T in float64 with x float32 or float64 (see {@code Backend.matmulT64}): OCR's class
 * contexts, 512 channels by 19 classes over every pixel of the patch. Each element is summed over k in order,
 * a product then an add, from zero: the same bits as widening x and multiplying, without writing x in float64.
 * <p>
 * w (small: classes x pixels) is transposed once into rows of padded class columns, so each step of k is a
 * scalar of x times a few class vectors. k runs in blocks whose slice of w^T stays in L2 while every row of x
 * passes; the accumulators are kept between blocks, so the order of the sum is unchanged.
 */
final class MatmulT64Kernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = D.length();
    /** Columns per group: three vectors of accumulators per row, two rows at a time. */
    private static final int GROUP = 3 * DL;
    /** Steps of k per block: a 1024 x 24 slice of w^T is 192 KB. */
    private static final int KB = 1024;

    private MatmulT64Kernels() {}

    static Tensor matmulT64(CpuBackend be, Tensor x, Tensor w) {
        Tensor xc = x.contiguous(), wc = w.contiguous();
        int batch = x.size(0), m = x.size(1), k = x.size(2), n = w.size(1);
        Tensor out = be.empty(DType.FLOAT64, batch, m, n);
        double[] o = (double[]) ((CpuStorage) out.storage()).array, wa = (double[]) ((CpuStorage) wc.storage()).array;
        Object xa = ((CpuStorage) xc.storage()).array;
        int np = (n + GROUP - 1) / GROUP * GROUP;
        for (int bi = 0; bi < batch; bi++) {
            int wOff = wc.offset() + bi * n * k, xOff = xc.offset() + bi * m * k, oOff = bi * m * n;
            double[] wt = new double[k * np]; // zero padding: the extra columns compute zeros that are dropped
            Parallel.forRange(k, 4096, (lo, hi) -> {
                for (int p = lo; p < hi; p++) for (int j = 0; j < n; j++) wt[p * np + j] = wa[wOff + j * k + p];
            });
            // Rows in a few chunks (one or two per thread): each chunk reads w^T once per block of k.
            int chunk = Math.max(2, ((m + 2 * Parallel.threads() - 1) / (2 * Parallel.threads()) + 1) / 2 * 2);
            Parallel.forRange((m + chunk - 1) / chunk, 1, (lo, hi) -> {
                double[] acc = new double[chunk * np];
                for (int ci = lo; ci < hi; ci++) {
                    int c0 = ci * chunk, rows = Math.min(chunk, m - c0);
                    java.util.Arrays.fill(acc, 0);
                    for (int p0 = 0; p0 < k; p0 += KB) {
                        int p1 = Math.min(k, p0 + KB);
                        for (int r = 0; r < rows; r += 2) {
                            int a = xOff + (c0 + r) * k, b = r + 1 < rows ? a + k : -1, at = r * np;
                            for (int g = 0; g < np; g += GROUP) {
                                if (xa instanceof float[] xf) pairF(xf, a, b, wt, np, g, p0, p1, acc, at);
                                else pairD((double[]) xa, a, b, wt, np, g, p0, p1, acc, at);
                            }
                        }
                    }
                    for (int r = 0; r < rows; r++) System.arraycopy(acc, r * np, o, oOff + (c0 + r) * n, n);
                }
            });
        }
        return out;
    }

    /**
     * acc[at0 + g ...] (+)= x row a [p0, p1) times w^T columns [g, g + GROUP), and acc[at0 + np + g ...] likewise
     * for row b when b >= 0; p in order, a product then an add.
     */
    private static void pairF(float[] x, int a, int b, double[] wt, int np, int g, int p0, int p1, double[] acc, int at0) {
        int ga = at0 + g, gb = ga + np;
        DoubleVector a0 = DoubleVector.fromArray(D, acc, ga), a1 = DoubleVector.fromArray(D, acc, ga + DL), a2 = DoubleVector.fromArray(D, acc, ga + 2 * DL);
        DoubleVector b0 = DoubleVector.zero(D), b1 = b0, b2 = b0;
        boolean two = b >= 0;
        if (two) {
            b0 = DoubleVector.fromArray(D, acc, gb);
            b1 = DoubleVector.fromArray(D, acc, gb + DL);
            b2 = DoubleVector.fromArray(D, acc, gb + 2 * DL);
        }
        for (int p = p0; p < p1; p++) {
            int at = p * np + g;
            DoubleVector w0 = DoubleVector.fromArray(D, wt, at), w1 = DoubleVector.fromArray(D, wt, at + DL), w2 = DoubleVector.fromArray(D, wt, at + 2 * DL);
            double xa = x[a + p];
            a0 = a0.add(w0.mul(xa));
            a1 = a1.add(w1.mul(xa));
            a2 = a2.add(w2.mul(xa));
            if (two) {
                double xb = x[b + p];
                b0 = b0.add(w0.mul(xb));
                b1 = b1.add(w1.mul(xb));
                b2 = b2.add(w2.mul(xb));
            }
        }
        a0.intoArray(acc, ga);
        a1.intoArray(acc, ga + DL);
        a2.intoArray(acc, ga + 2 * DL);
        if (two) {
            b0.intoArray(acc, gb);
            b1.intoArray(acc, gb + DL);
            b2.intoArray(acc, gb + 2 * DL);
        }
    }

    /**
     * As {@link #pairF} for float64 x. A twin on purpose: one kernel over float64 with float32 rows widened into a
     * small buffer first was measured 12-14 ms -> 16-18 ms for OCR's 512 x 32,768 x 19 context.
     */
    private static void pairD(double[] x, int a, int b, double[] wt, int np, int g, int p0, int p1, double[] acc, int at0) {
        int ga = at0 + g, gb = ga + np;
        DoubleVector a0 = DoubleVector.fromArray(D, acc, ga), a1 = DoubleVector.fromArray(D, acc, ga + DL), a2 = DoubleVector.fromArray(D, acc, ga + 2 * DL);
        DoubleVector b0 = DoubleVector.zero(D), b1 = b0, b2 = b0;
        boolean two = b >= 0;
        if (two) {
            b0 = DoubleVector.fromArray(D, acc, gb);
            b1 = DoubleVector.fromArray(D, acc, gb + DL);
            b2 = DoubleVector.fromArray(D, acc, gb + 2 * DL);
        }
        for (int p = p0; p < p1; p++) {
            int at = p * np + g;
            DoubleVector w0 = DoubleVector.fromArray(D, wt, at), w1 = DoubleVector.fromArray(D, wt, at + DL), w2 = DoubleVector.fromArray(D, wt, at + 2 * DL);
            double xa = x[a + p];
            a0 = a0.add(w0.mul(xa));
            a1 = a1.add(w1.mul(xa));
            a2 = a2.add(w2.mul(xa));
            if (two) {
                double xb = x[b + p];
                b0 = b0.add(w0.mul(xb));
                b1 = b1.add(w1.mul(xb));
                b2 = b2.add(w2.mul(xb));
            }
        }
        a0.intoArray(acc, ga);
        a1.intoArray(acc, ga + DL);
        a2.intoArray(acc, ga + 2 * DL);
        if (two) {
            b0.intoArray(acc, gb);
            b1.intoArray(acc, gb + DL);
            b2.intoArray(acc, gb + 2 * DL);
        }
    }
}
