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
            Float64Gemm.gemm(m, n, k, ad, 0, lda, bd, 0, ldb, cr, 0, ldc, acc);
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
     * Products over several slices whose whole-depth panel fits L2 (19x130x600, 64x129x576, 13x300x1100) sum each
     * tile over all slices before writing C; 30x1100x1300 (a deeper panel) goes slice by slice through C.
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "6,32,256", "7,33,257", "18,1000,162", "19,130,600", "64,129,576", "13,300,1100", "30,1100,1300"})
    void sumsEachKSliceFromZeroInOrder(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(7L * m + 31L * n + k);
        int lda = k + 1, ldb = n + 3, ldc = n + 2;
        float[] a = new float[m * lda], b = new float[k * ldb], c = new float[m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        for (int i = 0; i < c.length; i++) c[i] = (float) rng.nextGaussian();
        for (boolean acc : new boolean[] {false, true}) {
            float[] got = c.clone(), want = sliceSums(m, n, k, a, lda, (p, j) -> b[p * ldb + j], c, ldc, acc);
            Gemm.sgemm(m, n, k, a, 0, lda, b, 0, ldb, got, 0, ldc, acc);
            assertSameBits(want, got, m + "x" + n + "x" + k + " acc=" + acc);
        }
    }

    /**
     * The kernels that read B where it lies (up to {@link Gemm#IN_PLACE_MAX_M} rows, the 9 x 32 tile when rows
     * come in nines, the 6 x 32 tile otherwise) sum exactly as the packed path: rows of B at scattered, unaligned
     * offsets of one array (as a convolution's taps lie in its padded image), ragged last strips, K over one slice,
     * few panels (tasks split by rows), into C and into a sink. With manyRows the source asks for the 12-row kernel
     * over packed A (as a stride-1 padded convolution does), whose last group of rows runs on the 6- or 4-row kernel.
     */
    @ParameterizedTest
    @CsvSource({"9,40,20,false", "18,1000,162,false", "18,70,300,false", "27,515,19,false", "7,300,50,false", "13,33,257,false",
                "24,100,30,false", "9,2000,600,false", "16,300,50,true", "17,70,40,true", "64,100,300,true", "25,129,20,true"})
    void inPlaceKernelsSumEachKSliceFromZeroInOrder(int m, int n, int k, boolean manyRows) {
        SplittableRandom rng = new SplittableRandom(5L * m + 17L * n + k);
        int lda = k + 2, ldc = n + 1;
        float[] a = gaussian(rng, m * lda), c = gaussian(rng, m * ldc), store = gaussian(rng, k * (n + 40) + 50);
        int[] rowAt = new int[k];
        for (int p = 0; p < k; p++) rowAt[p] = rng.nextInt(k * 40 + 50) % (store.length - n); // rows may overlap
        PanelSource inPlace = new PanelSource() {
            @Override public Segment row(int p, int j0, int cols, float[] buf) { return new Segment(store, rowAt[p] + j0); }
            @Override public float[] inPlaceArray() { return store; }
            @Override public int inPlaceOffset(int p) { return rowAt[p]; }
            @Override public boolean inPlaceForManyRows() { return manyRows; }
        };
        for (boolean acc : new boolean[] {false, true}) {
            float[] want = sliceSums(m, n, k, a, lda, (p, j) -> store[rowAt[p] + j], c, ldc, acc), got = c.clone();
            Gemm.sgemm(m, n, k, a, 0, lda, inPlace, got, 0, ldc, acc);
            assertSameBits(want, got, m + "x" + n + "x" + k + " acc=" + acc);
        }
        float[] sunk = new float[m * n];
        java.util.Arrays.fill(sunk, Float.NaN); // every element must arrive
        Gemm.sgemm(m, n, k, a, 0, lda, inPlace, (blk, at, ld, row0, col0, height, width) -> {
            for (int r = 0; r < height; r++) System.arraycopy(blk, at + r * ld, sunk, (row0 + r) * n + col0, width);
        });
        float[] want = sliceSums(m, n, k, a, lda, (p, j) -> store[rowAt[p] + j], new float[m * n], n, false);
        assertSameBits(want, sunk, m + "x" + n + "x" + k + " sink");
    }

    private interface BAt { float at(int p, int j); }

    /** The pinned arithmetic: each KC-deep slice summed from zero by FMA in K order, then added to C. */
    private static float[] sliceSums(int m, int n, int k, float[] a, int lda, BAt b, float[] c, int ldc, boolean acc) {
        float[] want = c.clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float sum = want[i * ldc + j];
                for (int p0 = 0; p0 < k; p0 += Gemm.KC) {
                    float slice = 0f;
                    for (int p = p0; p < Math.min(k, p0 + Gemm.KC); p++) slice = Math.fma(a[i * lda + p], b.at(p, j), slice);
                    sum = acc || p0 > 0 ? sum + slice : slice;
                }
                want[i * ldc + j] = sum;
            }
        return want;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < got.length; i++)
            assertTrue(Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i]),
                    what + " element " + i + ": " + got[i] + " != " + want[i]);
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }
}
