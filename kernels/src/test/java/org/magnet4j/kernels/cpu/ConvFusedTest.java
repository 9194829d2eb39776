package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * The fused convolution epilogue gives exactly the bits of conv2d, then (batch norm's eval transform) a per-channel
 * multiply and add, then add, then relu, on every convolution path.
 */
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

    /**
     * relu?((((conv + bias) * scale) + shift) + residual) fused equals the separate ops on each path: pointwise, padded
     * (few-row and 12-row kernels), strided and grouped, im2col, both Winograd tile sizes, and float64.
     */
    @Test
    void fusedAffineEqualsComposedBitForBit() {
        SplittableRandom rng = new SplittableRandom(24);
        record Case(int c, int o, int h, int w, int k, Conv2dParams p, DType dt, ConvPath path) {}
        Conv2dParams same = new Conv2dParams(1, 1, 1, 1, 1, 1, 1), one = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        List<Case> cases = List.of(
                new Case(5, 7, 9, 23, 1, one, DType.FLOAT32, ConvPath.POINTWISE),
                new Case(4, 7, 12, 20, 3, same, DType.FLOAT32, ConvPath.PADDED),     // 7 rows: the few-row kernels
                new Case(6, 26, 12, 20, 3, same, DType.FLOAT32, ConvPath.PADDED),    // 26 rows: 12-row groups and a short one
                new Case(4, 6, 19, 23, 3, new Conv2dParams(2, 2, 1, 1, 1, 1, 2), DType.FLOAT32, null), // strided, grouped
                new Case(3, 5, 9, 9, 3, new Conv2dParams(1, 1, 1, 1, 3, 3, 1), DType.FLOAT32, ConvPath.IM2COL),
                new Case(128, 128, 8, 64, 3, same, DType.FLOAT32, ConvPath.WINOGRAD_4X4),
                new Case(192, 192, 4, 32, 3, same, DType.FLOAT32, ConvPath.WINOGRAD_2X2),
                new Case(4, 6, 11, 13, 3, same, DType.FLOAT64, ConvPath.FLOAT64));
        int checked = 0;
        try (var g = GradMode.noGrad()) {
            for (Case cs : cases) {
                if (cs.path() != null)
                    assertEquals(cs.path(), ConvPath.of(cs.dt(), cs.c() / cs.p().groups(), cs.o() / cs.p().groups(), cs.h(), cs.w(), cs.k(), cs.k(), cs.p()),
                            "the case must take the path it is named for");
                Tensor x = Tensor.randn(rng, 2, cs.c(), cs.h(), cs.w()).to(cs.dt()), w = Tensor.randn(rng, cs.o(), cs.c() / cs.p().groups(), cs.k(), cs.k()).to(cs.dt());
                Tensor b = Tensor.randn(rng, cs.o()).to(cs.dt()), scale = Tensor.randn(rng, cs.o()).to(cs.dt()), shift = Tensor.randn(rng, cs.o()).to(cs.dt());
                Tensor res = Tensor.randn(rng, x.conv2d(w, b, cs.p()).shape()).to(cs.dt());
                for (Tensor bias : new Tensor[] {b, null})
                    for (Tensor r : new Tensor[] {res, null})
                        for (boolean relu : new boolean[] {true, false}) {
                            Tensor want = x.conv2d(w, bias, cs.p()).mul(scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1));
                            if (r != null) want = want.add(r);
                            if (relu) want = want.relu();
                            String what = cs + " bias " + (bias != null) + " residual " + (r != null) + " relu " + relu;
                            assertSameBits(want, x.conv2dFused(w, bias, scale, shift, r, relu, cs.p()), what);
                            checked++;
                        }
            }
        }
        assertEquals(8 * 8, checked);
    }

    @Test
    void affineNeedsBothTermsOfTheRightLength() {
        Tensor x = Tensor.randn(new SplittableRandom(25), 1, 2, 5, 5), w = Tensor.randn(new SplittableRandom(26), 3, 2, 3, 3);
        Conv2dParams p = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        try (var g = GradMode.noGrad()) {
            TensorException e = assertThrows(TensorException.class, () -> x.conv2dFused(w, null, Tensor.ones(3), null, null, false, p));
            assertTrue(e.getMessage().contains("needs a shift"), e.getMessage());
            e = assertThrows(TensorException.class, () -> x.conv2dFused(w, null, Tensor.ones(4), Tensor.zeros(4), null, false, p));
            assertTrue(e.getMessage().contains("must be 3 values"), e.getMessage());
        }
    }

    /**
     * A convolution over a channel concatenation equals the same convolution over the concatenated tensor bit for bit:
     * 1x1 with contiguous parts reads them where they lie (parts split inside a 256-deep K slice and at its edge,
     * in batches of two images, with offsets into larger arrays); 3x3, a transposed part and float64 concatenate first.
     */
    @Test
    void concatenatedInputsEqualTheConcatenation() {
        SplittableRandom rng = new SplittableRandom(27);
        Conv2dParams one = new Conv2dParams(1, 1, 0, 0, 1, 1, 1), same = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        int checked = 0;
        try (var g = GradMode.noGrad()) {
            for (int[] split : new int[][] {{100, 300}, {256, 256}, {7, 249, 20}})
                for (boolean relu : new boolean[] {true, false}) {
                    int total = java.util.Arrays.stream(split).sum();
                    List<Tensor> parts = new java.util.ArrayList<>();
                    for (int c : split) parts.add(Tensor.randn(rng, 3, c, 9, 13).narrow(0, 1, 2)); // contiguous, at an offset
                    Tensor w = Tensor.randn(rng, 30, total, 1, 1), b = Tensor.randn(rng, 30), scale = Tensor.randn(rng, 30), shift = Tensor.randn(rng, 30);
                    Tensor res = Tensor.randn(rng, 2, 30, 9, 13);
                    Tensor want = Tensor.cat(parts, 1).conv2dFused(w, b, scale, shift, res, relu, one);
                    assertSameBits(want, Tensor.conv2dFusedConcat(parts, w, b, scale, shift, res, relu, one), java.util.Arrays.toString(split));
                    checked++;
                }
            Tensor a = Tensor.randn(rng, 1, 5, 8, 8), bT = Tensor.randn(rng, 1, 4, 8, 8).transpose(2, 3);
            Tensor w3 = Tensor.randn(rng, 6, 9, 3, 3), w1 = Tensor.randn(rng, 6, 9, 1, 1);
            assertSameBits(Tensor.cat(List.of(a, bT), 1).conv2dFused(w3, null, null, false, same),
                    Tensor.conv2dFusedConcat(List.of(a, bT), w3, null, null, null, null, false, same), "3x3");
            assertSameBits(Tensor.cat(List.of(a, bT), 1).conv2dFused(w1, null, null, true, one),
                    Tensor.conv2dFusedConcat(List.of(a, bT), w1, null, null, null, null, true, one), "a transposed part");
            Tensor ad = a.to(DType.FLOAT64), bd = bT.to(DType.FLOAT64), wd = w1.to(DType.FLOAT64);
            assertSameBits(Tensor.cat(List.of(ad, bd), 1).conv2dFused(wd, null, null, false, one),
                    Tensor.conv2dFusedConcat(List.of(ad, bd), wd, null, null, null, null, false, one), "float64");
        }
        assertEquals(6, checked);
        TensorException e = assertThrows(TensorException.class, () -> Tensor.conv2dFusedConcat(
                List.of(Tensor.randn(rng, 1, 2, 4, 4), Tensor.randn(rng, 1, 2, 4, 4)), Tensor.randn(rng, 3, 5, 1, 1), null, null, null, null, false, one));
        assertTrue(e.getMessage().contains("expects 5 input channels"), e.getMessage());
    }
}
