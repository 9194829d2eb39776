package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;
import org.junit.jupiter.api.Test;

/** Hand-checked values for the basic kernels; PyTorch parity lives in the parity suite. */
class CpuBasicsTest {
    @Test
    void broadcastingAddAndBackwardSumsOverExpandedDims() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[] {10, 20, 30}, 3).requiresGrad(true);
        Tensor y = a.add(b).mul(a);
        assertArrayEquals(new float[] {11, 44, 99, 56, 125, 216}, y.toFloatArray());
        y.sum().backward();
        // d/da (a+b)a = 2a + b ; d/db = sum over rows of a
        assertArrayEquals(new float[] {12, 24, 36, 18, 30, 42}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {5, 7, 9}, b.grad().toFloatArray());
    }

    @Test
    void viewsShareStorageAndCopyOnlyWhenNeeded() {
        Tensor a = Tensor.fromArray(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor t = a.transpose(0, 1);
        assertTrue(!t.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        assertTrue(a.contiguous() == a);
        Tensor s = a.slice(1, 0, 3, 2);
        assertArrayEquals(new float[] {0, 2, 3, 5}, s.toFloatArray());
        assertArrayEquals(new float[] {3, 4, 5}, a.select(0, 1).toFloatArray());
        assertArrayEquals(new int[] {2, 1, 3}, a.unsqueeze(1).shape());
        assertArrayEquals(new float[] {1, 1, 4, 4}, a.narrow(1, 1, 1).expand(2, 2).toFloatArray());
    }

    @Test
    void matmulMatchesNaive() {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor a = Tensor.randn(rng, 37, 53), b = Tensor.randn(rng, 53, 41);
        float[] got = a.matmul(b).toFloatArray();
        float[] av = a.toFloatArray(), bv = b.toFloatArray();
        for (int i = 0; i < 37; i++)
            for (int j = 0; j < 41; j++) {
                double s = 0;
                for (int k = 0; k < 53; k++) s += av[i * 53 + k] * bv[k * 41 + j];
                assertEquals(s, got[i * 41 + j], 1e-4);
            }
    }

    @Test
    void convolutionMatchesDirectLoopInBothDtypes() {
        SplittableRandom rng = new SplittableRandom(2);
        Tensor x = Tensor.randn(rng, 2, 4, 9, 7), w = Tensor.randn(rng, 6, 2, 3, 3), bias = Tensor.randn(rng, 6);
        Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 2, 2);
        double[] ref = naiveConv(x.toDoubleArray(), w.toDoubleArray(), bias.toDoubleArray(), 2, 4, 9, 7, 6, 3, 3, p);
        float[] f32 = x.conv2d(w, bias, p).toFloatArray();
        double[] f64 = x.to(DType.FLOAT64).conv2d(w.to(DType.FLOAT64), bias.to(DType.FLOAT64), p).toDoubleArray();
        assertEquals(ref.length, f32.length);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], f32[i], 1e-4);
            assertEquals(ref[i], f64[i], 1e-12);
        }
    }

    static double[] naiveConv(double[] x, double[] w, double[] b, int n, int c, int h, int wd, int o, int kh, int kw, Conv2dParams p) {
        int oh = p.outH(h, kh), ow = p.outW(wd, kw), g = p.groups(), cg = c / g, og = o / g;
        double[] out = new double[n * o * oh * ow];
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b[oc];
                        int gi = oc / og;
                        for (int ic = 0; ic < cg; ic++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = y * p.strideH() - p.padH() + ky * p.dilationH(), ix = xx * p.strideW() - p.padW() + kx * p.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    s += x[((i * c + gi * cg + ic) * h + iy) * wd + ix] * w[((oc * cg + ic) * kh + ky) * kw + kx];
                                }
                        out[((i * o + oc) * oh + y) * ow + xx] = s;
                    }
        return out;
    }

    @Test
    void badShapesNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        TensorException e = assertThrows(TensorException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(TensorException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
    }
}
