package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/** The fused convolution epilogue gives exactly the bits of conv2d, then add, then relu. */
class ConvFusedTest {
    private static final Conv2dParams[] PARAMS = {
        new Conv2dParams(1, 1, 0, 0, 1, 1, 1), // 1x1 pointwise: no im2col
        new Conv2dParams(1, 1, 1, 1, 1, 1, 1),
        new Conv2dParams(2, 2, 1, 1, 1, 1, 2), // strided, grouped
    };

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()), what);
        if (want.dtype() == DType.FLOAT64) {
            double[] a = want.toDoubleArray(), b = got.toDoubleArray();
            for (int i = 0; i < a.length; i++) assertEquals(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]), what + " at " + i);
            return;
        }
        float[] a = want.toFloatArray(), b = got.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), what + " at " + i + ": " + a[i] + " vs " + b[i]);
    }

    @Test
    void fusedEqualsComposedBitForBit() {
        SplittableRandom rng = new SplittableRandom(21);
        int checked = 0;
        try (var g = GradMode.noGrad()) {
            for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64))
                for (Conv2dParams p : PARAMS)
                    for (int k : new int[] {1, 3}) {
                        if (k == 1 && p.padH() > 0) continue;
                        Tensor x = Tensor.randn(rng, 2, 4, 19, 23).to(dt), w = Tensor.randn(rng, 6, 4 / p.groups(), k, k).to(dt);
                        Tensor b = Tensor.randn(rng, 6).to(dt);
                        Tensor plain = x.conv2d(w, b, p);
                        Tensor res = Tensor.randn(rng, plain.shape()).to(dt);
                        for (Tensor bias : new Tensor[] {b, null})
                            for (Tensor r : new Tensor[] {res, null})
                                for (boolean relu : new boolean[] {true, false}) {
                                    Tensor want = x.conv2d(w, bias, p);
                                    if (r != null) want = want.add(r);
                                    if (relu) want = want.relu();
                                    String what = dt + " " + p + " k" + k + " bias " + (bias != null) + " residual " + (r != null) + " relu " + relu;
                                    assertSameBits(want, x.conv2dFused(w, bias, r, relu, p), what);
                                    checked++;
                                }
                    }
        }
        assertEquals(2 * 4 * 8, checked); // dtypes x (conv shapes, the padded ones without k=1) x epilogues
    }

    /** A residual that is a strided view is read through its own layout. */
    @Test
    void stridedResidualIsReadCorrectly() {
        SplittableRandom rng = new SplittableRandom(22);
        Tensor x = Tensor.randn(rng, 1, 3, 8, 8), w = Tensor.randn(rng, 5, 3, 3, 3), b = Tensor.randn(rng, 5);
        Conv2dParams p = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        Tensor r = Tensor.randn(rng, 1, 5, 8, 8).transpose(2, 3);
        try (var g = GradMode.noGrad()) {
            assertSameBits(x.conv2d(w, b, p).add(r).relu(), x.conv2dFused(w, b, r, true, p), "transposed residual");
        }
    }

    /** With gradients the composed ops run, so backward reaches every input. */
    @Test
    void gradientsFlowThroughTheComposedFallback() {
        SplittableRandom rng = new SplittableRandom(23);
        Tensor x = Tensor.randn(rng, 1, 2, 5, 5).requiresGrad(true), w = Tensor.randn(rng, 3, 2, 3, 3).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 3).requiresGrad(true), r = Tensor.randn(rng, 1, 3, 5, 5).requiresGrad(true);
        Conv2dParams p = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        Tensor y = x.conv2dFused(w, b, r, true, p);
        assertSameBits(x.conv2d(w, b, p).add(r).relu(), y, "values with grad");
        y.sum().backward();
        for (Tensor t : new Tensor[] {x, w, b, r}) assertNotNull(t.grad());
        float[] gr = r.grad().toFloatArray(), yv = y.toFloatArray();
        for (int i = 0; i < gr.length; i++) assertEquals(yv[i] > 0 ? 1f : 0f, gr[i], 0, "d relu(..+r)/dr at " + i);
    }
}
