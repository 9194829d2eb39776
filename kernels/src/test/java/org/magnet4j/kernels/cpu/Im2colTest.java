package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * The float32 im2col/col2im (split padding/interior runs, reused scratch) against the float64 reference
 * loops. Inputs are small integers, so every float32 sum is exact and results must agree exactly.
 */
class Im2colTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static Tensor ints(SplittableRandom rng, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(-3, 4);
        return Tensor.fromArray(v, shape);
    }

    private static double[] asDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Strides 1-3, paddings up to past the kernel, dilation 1-2, widths down to 1. */
    @Test
    void unfoldMatchesTheReferenceForAwkwardGeometry() {
        SplittableRandom rng = new SplittableRandom(7);
        int cases = 0;
        for (int w : new int[] {1, 2, 5, 11})
            for (int k : new int[] {1, 3, 7})
                for (int stride = 1; stride <= 3; stride++)
                    for (int pad : new int[] {0, 1, 3, 4})
                        for (int dil = 1; dil <= 2; dil++) {
                            Conv2dParams p = new Conv2dParams(stride, stride, pad, pad, dil, dil, 1);
                            int h = 6;
                            if (p.outH(h, k) <= 0 || p.outW(w, k) <= 0) continue;
                            Tensor x = ints(rng, 2, 3, h, w);
                            float[] f32 = Sampling.unfold(x, k, k, p).toFloatArray();
                            double[] f64 = Sampling.unfold(x.to(DType.FLOAT64), k, k, p).toDoubleArray();
                            assertArrayEquals(f64, asDoubles(f32), 0, "w " + w + " k " + k + " " + p);
                            cases++;
                        }
        org.junit.jupiter.api.Assertions.assertTrue(cases > 100, "cases " + cases);
    }

    /** A big convolution first leaves stale data in the scratch; a smaller padded one after must not see it. */
    @Test
    void reusedScratchGivesTheSameConvolutionsAsTheReference() {
        SplittableRandom rng = new SplittableRandom(8);
        Conv2dParams big = new Conv2dParams(1, 1, 1, 1, 1, 1, 1), small = new Conv2dParams(2, 2, 3, 3, 1, 1, 1);
        for (int round = 0; round < 2; round++) {
            Tensor xb = ints(rng, 1, 8, 40, 40), wb = ints(rng, 4, 8, 3, 3);
            Tensor xs = ints(rng, 2, 2, 7, 5), ws = ints(rng, 3, 2, 5, 5), bs = ints(rng, 3);
            assertArrayEquals(xb.to(DType.FLOAT64).conv2d(wb.to(DType.FLOAT64), null, big).toDoubleArray(),
                    asDoubles(xb.conv2d(wb, null, big).toFloatArray()), 0, "big");
            assertArrayEquals(xs.to(DType.FLOAT64).conv2d(ws.to(DType.FLOAT64), bs.to(DType.FLOAT64), small).toDoubleArray(),
                    asDoubles(xs.conv2d(ws, bs, small).toFloatArray()), 0, "small after big");
        }
    }

    /** col2im (input gradient) and the weight gradient with reused column buffers, exact against float64. */
    @Test
    void convolutionGradientsMatchTheReference() {
        SplittableRandom rng = new SplittableRandom(9);
        for (Conv2dParams p : new Conv2dParams[] {new Conv2dParams(1, 1, 1, 1, 1, 1, 1), new Conv2dParams(2, 2, 2, 0, 1, 2, 1),
                new Conv2dParams(3, 1, 0, 4, 2, 1, 2)}) {
            Tensor x = ints(rng, 2, 4, 9, 8), w = ints(rng, 6, 4 / p.groups(), 3, 3);
            int[] ys = x.conv2d(w, null, p).shape();
            Tensor gy = ints(rng, ys);
            Tensor gx32 = CPU.conv2dBackwardInput(gy, w, x.shape(), p), gw32 = CPU.conv2dBackwardWeight(gy, x, w.shape(), p);
            Tensor gx64 = CPU.conv2dBackwardInput(gy.to(DType.FLOAT64), w.to(DType.FLOAT64), x.shape(), p);
            Tensor gw64 = CPU.conv2dBackwardWeight(gy.to(DType.FLOAT64), x.to(DType.FLOAT64), w.shape(), p);
            assertArrayEquals(gx64.toDoubleArray(), asDoubles(gx32.toFloatArray()), 0, "grad input " + p);
            assertArrayEquals(gw64.toDoubleArray(), asDoubles(gw32.toFloatArray()), 0, "grad weight " + p);
        }
    }
}
