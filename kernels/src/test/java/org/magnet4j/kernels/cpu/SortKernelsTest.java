package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * sort / topk / median against torch.sort(stable=True) and torch.median (SamplingRefs), against a boxed
 * stable-sort reference for int64 and random inputs, and on MagNet's 2M-element top-k.
 */
class SortKernelsTest {
    /** PyTorch's order: NaN largest, -0.0 == 0.0. */
    static final Comparator<Double> TORCH_ORDER = (a, b) -> {
        boolean na = Double.isNaN(a), nb = Double.isNaN(b);
        if (na || nb) return na == nb ? 0 : na ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    };

    /** Indices of one row in stable order (ties keep ascending index), from a boxed TimSort. */
    static int[] stableOrder(double[] row, boolean descending) {
        Integer[] idx = new Integer[row.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Comparator<Integer> c = (i, j) -> TORCH_ORDER.compare(row[i], row[j]);
        Arrays.sort(idx, descending ? c.reversed() : c);
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    static void assertSameValues(float[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            assertTrue(Double.isNaN(want[i]) ? Double.isNaN(got[i]) : want[i] == got[i], what + " at " + i + ": " + want[i] + " vs " + got[i]);
    }

    @Test
    void sortMatchesTorchStableSort() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64})
            for (SamplingRefs.Sort c : SamplingRefs.SORT) {
                Tensor x = SamplingKernelsTest.tensor(SamplingRefs.SORT_X, dt, SamplingRefs.SORT_SHAPE);
                Tensor[] r = x.sort(c.dim(), c.descending());
                String what = "sort dim " + c.dim() + (c.descending() ? " desc " : " asc ") + dt;
                assertSameValues(c.values(), r[0].toDoubleArray(), what);
                assertArrayEquals(c.indices(), r[1].toLongArray(), what);
            }
    }

    @Test
    void topkIsTheStableSortPrefix() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64})
            for (SamplingRefs.Topk c : SamplingRefs.TOPK) {
                Tensor x = SamplingKernelsTest.tensor(SamplingRefs.SORT_X, dt, SamplingRefs.SORT_SHAPE);
                Tensor[] r = x.topk(c.k(), c.dim(), c.largest());
                String what = "topk k=" + c.k() + " dim " + c.dim() + (c.largest() ? " largest " : " smallest ") + dt;
                assertSameValues(c.values(), r[0].toDoubleArray(), what);
                assertArrayEquals(c.indices(), r[1].toLongArray(), what);
                int[] shape = SamplingRefs.SORT_SHAPE.clone();
                shape[c.dim()] = c.k();
                assertArrayEquals(shape, r[0].shape());
            }
    }

    @Test
    void medianMatchesTorch() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64})
            for (SamplingRefs.Median c : SamplingRefs.MEDIAN) {
                Tensor x = SamplingKernelsTest.tensor(c.x(), dt, c.shape());
                Tensor[] r = x.median(c.dim(), false);
                String what = "median " + Arrays.toString(c.shape()) + " dim " + c.dim() + " " + dt;
                assertSameValues(c.values(), r[0].toDoubleArray(), what);
                assertArrayEquals(c.indices(), r[1].toLongArray(), what);
            }
    }

    @Test
    void tiesGoToTheLowerIndexInEveryDirection() {
        Tensor x = Tensor.fromArray(new float[] {2, 7, 2, 7, -0.0f, 0.0f, 7, 2, Float.NaN, 7, Float.NaN}, 11);
        assertArrayEquals(new long[] {4, 5, 0, 2, 7, 1, 3, 6, 9, 8, 10}, x.sort(0, false)[1].toLongArray());
        assertArrayEquals(new long[] {8, 10, 1, 3, 6, 9, 0, 2, 7, 4, 5}, x.sort(0, true)[1].toLongArray());
        assertArrayEquals(new long[] {8, 10, 1, 3}, x.topk(4, 0, true)[1].toLongArray());
        assertArrayEquals(new long[] {4, 5, 0}, x.topk(3, 0, false)[1].toLongArray());
        Tensor y = Tensor.fromArray(new float[] {3, 1, 3, 1, 3, 1, 2, 3}, 8); // sorted: 1 1 1 2 3 3 3 3 -> rank 3 = 2
        assertEquals(6, y.median(0, false)[1].item());
        Tensor z = Tensor.fromArray(new float[] {3, 1, 3, 1, 3, 1, 3}, 7); // rank 3 is the first 3, index 0
        assertEquals(0, z.median(0, false)[1].item());
        assertEquals(3, z.median(0, false)[0].item());
        // repeated calls and both dtypes agree
        Tensor d = x.to(DType.FLOAT64);
        assertArrayEquals(x.sort(0, true)[1].toLongArray(), d.sort(0, true)[1].toLongArray());
        assertArrayEquals(x.topk(5, 0, false)[1].toLongArray(), d.topk(5, 0, false)[1].toLongArray());
    }

    /** Random rows with many ties, every dtype, sort/topk/median along both dims, against the boxed reference. */
    @Test
    void randomTiesAgainstBoxedStableSort() {
        SplittableRandom rng = new SplittableRandom(11);
        int rows = 9, len = 257;
        double[] v = new double[rows * len];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(12) - 4 + (rng.nextInt(20) == 0 ? 0.5 : 0);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            double[] vals = v.clone();
            if (dt == DType.INT64) for (int i = 0; i < vals.length; i++) vals[i] = Math.floor(vals[i]);
            Tensor x = Tensor.fromArray(vals, rows, len).to(dt);
            for (int dim : new int[] {1, 0}) {
                Tensor xt = dim == 1 ? x : x.transpose(0, 1); // dim 0 of the transposed view: the same rows, strided
                int nr = rows, nl = len;
                for (boolean desc : new boolean[] {false, true}) {
                    long[] si = xt.sort(dim == 1 ? 1 : 0, desc)[1].toLongArray();
                    int k = Math.max(1, nl / 7);
                    long[] ti = xt.topk(k, dim == 1 ? 1 : 0, desc)[1].toLongArray();
                    long[] mi = xt.median(dim == 1 ? 1 : 0, false)[1].toLongArray();
                    double[] mv = xt.median(dim == 1 ? 1 : 0, false)[0].toDoubleArray();
                    for (int r = 0; r < nr; r++) {
                        double[] row = new double[nl];
                        for (int j = 0; j < nl; j++) row[j] = vals[r * len + j];
                        int[] want = stableOrder(row, desc);
                        for (int j = 0; j < nl; j++) {
                            long got = dim == 1 ? si[r * nl + j] : si[j * nr + r];
                            assertEquals(want[j], got, dt + " sort dim " + dim + " row " + r + " pos " + j);
                        }
                        for (int j = 0; j < k; j++) {
                            long got = dim == 1 ? ti[r * k + j] : ti[j * nr + r];
                            assertEquals(want[j], got, dt + " topk dim " + dim + " row " + r + " pos " + j);
                        }
                        int[] asc = stableOrder(row, false);
                        assertEquals(asc[(nl - 1) / 2], mi[r], dt + " median index row " + r);
                        assertEquals(row[asc[(nl - 1) / 2]], mv[r], dt + " median value row " + r);
                    }
                }
            }
        }
    }

    @Test
    void gradientsFlowToTheSelectedPositions() {
        Tensor x = Tensor.fromArray(new double[] {5, 1, 4, 1, 5, 9, 2, 6}, 2, 4).requiresGrad(true);
        Tensor g = Tensor.fromArray(new double[] {10, 20, 30, 40, 50, 60}, 2, 3);
        x.topk(3, 1, true)[0].mul(g).sum().backward();
        // row 0: 5(0) 4(2) 1(1); row 1: 9(1) 6(3) 5(0)
        assertArrayEquals(new double[] {10, 30, 20, 0, 60, 40, 0, 50}, x.grad().toDoubleArray());
        Tensor y = Tensor.fromArray(new float[] {3, 1, 2, 7, 7, 0}, 2, 3).requiresGrad(true);
        y.median(1, false)[0].mul(Tensor.fromArray(new float[] {2, 5}, 2)).sum().backward();
        assertArrayEquals(new float[] {0, 0, 2, 5, 0, 0}, y.grad().toFloatArray());
    }

    /**
     * MagNet's certainty: the top 2 of 19 classes at every pixel, a small k along a dim with inner positions (the
     * blocked fast path). Ties, NaN, infinities and -0.0/0.0, inner widths around the block width, both directions,
     * k up to the fast path's limit and one above it: indices and value bits equal the stable sort's prefix.
     */
    @Test
    void smallTopkAcrossChannelsIsTheStableSortPrefix() {
        SplittableRandom rng = new SplittableRandom(12);
        int outer = 2, len = 19;
        for (int inner : new int[] {2, 63, 64, 130}) {
            float[] v = new float[outer * len * inner];
            for (int i = 0; i < v.length; i++) v[i] = (rng.nextInt(9) - 4) / 2f;
            for (int i = 0; i < v.length; i += 29) v[i] = switch (rng.nextInt(5)) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -0f;
                default -> 0f;
            };
            Tensor x = Tensor.fromArray(v, outer, len, inner);
            for (int k : new int[] {1, 2, 3, 8, 9})
                for (boolean largest : new boolean[] {true, false}) {
                    Tensor[] t = x.topk(k, 1, largest);
                    float[] tv = t[0].toFloatArray();
                    long[] ti = t[1].toLongArray();
                    for (int o = 0; o < outer; o++)
                        for (int i = 0; i < inner; i++) {
                            double[] line = new double[len];
                            for (int j = 0; j < len; j++) line[j] = v[(o * len + j) * inner + i];
                            int[] want = stableOrder(line, largest);
                            for (int r = 0; r < k; r++) {
                                int at = (o * k + r) * inner + i;
                                String what = "inner " + inner + " k " + k + (largest ? " largest" : " smallest") + " o " + o + " i " + i + " rank " + r;
                                assertEquals(want[r], ti[at], what);
                                assertEquals(Float.floatToRawIntBits(v[(o * len + want[r]) * inner + i]), Float.floatToRawIntBits(tv[at]), what);
                            }
                        }
                }
        }
    }

    /** MagNet's use: the k = 32768 largest of 2M scores (many ties, a few NaN) equal the stable sort's prefix. */
    @Test
    void large1dTopkMatchesFullStableSort() {
        int n = 2_097_152;
        SplittableRandom rng = new SplittableRandom(5);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Math.round(rng.nextFloat() * 4096) / 4096f;
        for (int i = 0; i < 10; i++) v[rng.nextInt(n)] = Float.NaN;
        Tensor x = Tensor.fromArray(v, n);
        for (boolean largest : new boolean[] {true, false}) {
            long t0 = System.nanoTime();
            Tensor[] s = x.sort(0, largest);
            long t1 = System.nanoTime();
            long[] si = s[1].toLongArray();
            float[] sv = s[0].toFloatArray();
            // the sort itself: a permutation, ordered, ties by ascending index
            boolean[] seen = new boolean[n];
            for (int j = 0; j < n; j++) {
                assertTrue(!seen[(int) si[j]]);
                seen[(int) si[j]] = true;
                assertEquals(Float.floatToIntBits(v[(int) si[j]]), Float.floatToIntBits(sv[j]));
                if (j > 0) {
                    int c = TORCH_ORDER.compare((double) sv[j - 1], (double) sv[j]);
                    assertTrue(largest ? c >= 0 : c <= 0, "order at " + j);
                    if (c == 0) assertTrue(si[j - 1] < si[j], "tie order at " + j);
                }
            }
            for (int k : new int[] {32768, 1 << 20, n}) {
                long t2 = System.nanoTime();
                Tensor[] t = x.topk(k, 0, largest);
                long t3 = System.nanoTime();
                assertArrayEquals(Arrays.copyOf(si, k), t[1].toLongArray(), "topk k=" + k);
                assertArrayEquals(Arrays.copyOf(sv, k), t[0].toFloatArray(), "topk k=" + k);
                System.out.printf("2M %s: sort %.1f ms, topk k=%d %.1f ms%n", largest ? "largest" : "smallest", (t1 - t0) / 1e6, k, (t3 - t2) / 1e6);
            }
        }
    }

    /**
     * The long-row top-k narrows to the keys up to the k-th key's histogram bin. Rows where that bin holds most of
     * the row (one repeated value), or the boundary sits among infinities, NaN and signed zeros, still give the
     * stable sort's prefix.
     */
    @Test
    void longRowTopkWithCrowdedBinsIsTheStableSortPrefix() {
        int n = 100_000;
        SplittableRandom rng = new SplittableRandom(13);
        float[][] rows = new float[3][n];
        java.util.Arrays.fill(rows[0], 0.25f); // every key in one bin
        for (int i = 0; i < n; i += 97) rows[0][i] = 0.5f;
        for (int i = 0; i < n; i++) rows[1][i] = switch (rng.nextInt(6)) { // only specials and two plain values
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> -0f;
            case 4 -> 0f;
            default -> rng.nextBoolean() ? 1f : -1f;
        };
        for (int i = 0; i < n; i++) rows[2][i] = (float) rng.nextGaussian();
        for (float[] v : rows) {
            double[] line = new double[n];
            for (int i = 0; i < n; i++) line[i] = v[i];
            Tensor x = Tensor.fromArray(v, n);
            for (boolean largest : new boolean[] {true, false}) {
                int[] want = stableOrder(line, largest);
                for (int k : new int[] {1, 1000, 25_000}) {
                    Tensor[] t = x.topk(k, 0, largest);
                    long[] ti = t[1].toLongArray();
                    float[] tv = t[0].toFloatArray();
                    for (int j = 0; j < k; j++) {
                        assertEquals(want[j], ti[j], "k " + k + (largest ? " largest" : " smallest") + " rank " + j);
                        assertEquals(Float.floatToRawIntBits(v[want[j]]), Float.floatToRawIntBits(tv[j]), "value at rank " + j);
                    }
                }
            }
        }
    }

    /** Median blur shape: many short windows. */
    @Test
    void windowedMedianMatchesReference() {
        SplittableRandom rng = new SplittableRandom(6);
        for (int win : new int[] {25, 256}) {
            int rows = 20000;
            float[] v = new float[rows * win];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(50) / 8f;
            Tensor x = Tensor.fromArray(v, rows, win);
            long t0 = System.nanoTime();
            Tensor[] m = x.median(1, false);
            long t1 = System.nanoTime();
            float[] mv = m[0].toFloatArray();
            long[] mi = m[1].toLongArray();
            for (int r = 0; r < rows; r += 97) {
                double[] row = new double[win];
                for (int j = 0; j < win; j++) row[j] = v[r * win + j];
                int want = stableOrder(row, false)[(win - 1) / 2];
                assertEquals(want, mi[r]);
                assertEquals(row[want], mv[r]);
            }
            System.out.printf("median of %d windows of %d: %.1f ms%n", rows, win, (t1 - t0) / 1e6);
        }
    }
}
