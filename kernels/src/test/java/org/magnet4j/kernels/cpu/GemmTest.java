package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packed, register-blocked float32 GEMM against the float64 reference, over ragged shapes and strides. */
class GemmTest {
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,32,16", "5,33,300", "18,1000,162", "64,129,576", "7,257,513", "130,70,40"})
    void matchesFloat64Reference(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * 1000L + n * 10L + k);
        int lda = k + 3, ldb = n + 2, ldc = n + 1;
        float[] a = new float[m * lda], b = new float[k * ldb], c = new float[m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        for (int i = 0; i < c.length; i++) c[i] = (float) rng.nextGaussian();
        double[] ad = new double[a.length], bd = new double[b.length], cd = new double[c.length];
        for (int i = 0; i < a.length; i++) ad[i] = a[i];
        for (int i = 0; i < b.length; i++) bd[i] = b[i];
        for (int i = 0; i < c.length; i++) cd[i] = c[i];
        for (boolean acc : new boolean[] {false, true}) {
            float[] cf = c.clone();
            double[] cr = cd.clone();
            Gemm.sgemm(m, n, k, a, 0, lda, b, 0, ldb, cf, 0, ldc, acc);
            Gemm.dgemm(m, n, k, ad, 0, lda, bd, 0, ldb, cr, 0, ldc, acc);
            double worst = 0;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < ldc; j++) {
                    int at = i * ldc + j;
                    if (j >= n) {
                        assertTrue(cf[at] == c[at], "wrote outside C at column " + j);
                        continue;
                    }
                    worst = Math.max(worst, Math.abs(cf[at] - cr[at]) / Math.sqrt(k));
                }
            assertTrue(worst < 1e-5, m + "x" + n + "x" + k + " acc=" + acc + ": max error / sqrt(k) = " + worst);
        }
    }

    /**
     * Pins the summation order bit for bit: each KC-deep slice of K summed from zero by FMA in K order, then
     * added to C. Blocking, threading and edge tiles must not change a single bit (pipeline picks depend on it).
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "6,32,256", "7,33,257", "18,1000,162", "19,130,600", "64,129,576", "13,300,1100"})
    void sumsEachKSliceFromZeroInOrder(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(7L * m + 31L * n + k);
        int lda = k + 1, ldb = n + 3, ldc = n + 2;
        float[] a = new float[m * lda], b = new float[k * ldb], c = new float[m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        for (int i = 0; i < c.length; i++) c[i] = (float) rng.nextGaussian();
        for (boolean acc : new boolean[] {false, true}) {
            float[] got = c.clone(), want = c.clone();
            Gemm.sgemm(m, n, k, a, 0, lda, b, 0, ldb, got, 0, ldc, acc);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float sum = want[i * ldc + j];
                    for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
                        float slice = 0f;
                        for (int p = p0; p < Math.min(k, p0 + Gemm.KC); p++) slice = Math.fma(a[i * lda + p], b[p * ldb + j], slice);
                        sum = acc || p0 > 0 ? sum + slice : slice;
                    }
                    want[i * ldc + j] = sum;
                }
            for (int i = 0; i < got.length; i++)
                assertTrue(Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i]),
                        m + "x" + n + "x" + k + " acc=" + acc + " element " + i + ": " + got[i] + " != " + want[i]);
        }
    }
}
