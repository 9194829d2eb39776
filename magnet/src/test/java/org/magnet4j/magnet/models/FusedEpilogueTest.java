package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.tensor.Tensor;

/**
 * Under noGrad, folded models run conv + bias (+ residual) + ReLU as one fused convolution, and unfolded ones (the
 * default) conv + batch norm's multiply and add (+ residual) + ReLU; with a gradient required both run the separate
 * ops. Each must give the bits of the separate ops (max-abs difference 0), on real weights.
 */
class FusedEpilogueTest {
    private static void sameBits(Module m, Tensor x, Function<Tensor, Tensor> forward) { sameBits(m, true, x, forward); }

    private static void sameBits(Module m, boolean fold, Tensor x, Function<Tensor, Tensor> forward) {
        assertTrue(BnFolding.setEnabled(m, fold) > 0);
        Tensor fused;
        try (var g = GradMode.noGrad()) {
            fused = forward.apply(x);
        }
        Tensor composed = forward.apply(x.detach().requiresGrad(true)); // a gradient is needed: no fusion
        assertArrayEquals(composed.shape(), fused.shape());
        float[] a = composed.toFloatArray(), b = fused.toFloatArray();
        double maxAbs = 0;
        int differ = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs((double) a[i] - b[i]));
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) differ++;
        }
        assertEquals(0, differ, m.getClass().getSimpleName() + ": " + differ + " elements differ, max abs " + maxAbs);
        assertTrue(maxAbs == 0 && a.length > 0);
    }

    /** ResNet-50 layout (Bottleneck, downsample, stem) and the FPN head, reduced width, PyTorch-trained-shape weights. */
    @Test
    void fpnFusedEqualsComposed() {
        ResNetFPN m = FpnPspParityTest.fpn();
        sameBits(m, Tensor.randn(new SplittableRandom(31), 1, 3, 67, 45), m::forward);
    }

    /** HRNet's BasicBlock, ConvBnAct and OCR's ConvBnReluStack. */
    @Test
    void hrnetFusedEqualsComposed() {
        HRNetOCR m = HRNetOcrParityTest.loadHrnet18();
        sameBits(m, Tensor.randn(new SplittableRandom(32), 1, 3, 64, 96), m::forward);
    }

    @Test
    void refinementFusedEqualsComposed() { refinementSameBits(true, 33); }

    /** The released-shape refinement module (1024 stage) on a random coarse map and image. */
    private static void refinementSameBits(boolean fold, long seed) {
        RefinementMagNet m = new RefinementMagNet(19, true);
        assertTrue(m.loadStateDict(TestCheckpoints.stateDict(Fixtures.shared("checkpoints/refinement_c19_1024.pth")), true).isClean());
        m.eval();
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor coarse = Tensor.randn(rng, 1, 19, 40, 56);
        sameBits(m, fold, Tensor.randn(rng, 1, 19, 40, 56), x -> m.forward(x, coarse));
    }

    /** Unfolded batch norms: the norm rides in the convolution's epilogue, with the separate ops' bits. */
    @Test
    void fpnUnfoldedFusedEqualsComposed() {
        ResNetFPN m = FpnPspParityTest.fpn();
        sameBits(m, false, Tensor.randn(new SplittableRandom(34), 1, 3, 67, 45), m::forward);
    }

    @Test
    void hrnetUnfoldedFusedEqualsComposed() {
        HRNetOCR m = HRNetOcrParityTest.loadHrnet18();
        sameBits(m, false, Tensor.randn(new SplittableRandom(35), 1, 3, 64, 96), m::forward);
    }

    @Test
    void refinementUnfoldedFusedEqualsComposed() { refinementSameBits(false, 36); }

    /**
     * The unfolded norm's scale and shift are kept between calls; replacing any of the norm's tensors (as a state-dict
     * load, an optimiser step or a running-statistics update does) must be seen at the next call.
     */
    @Test
    void unfoldedNormFollowsReplacedTensors() {
        SplittableRandom rng = new SplittableRandom(37);
        Conv2d conv = new Conv2d(4, 6, 3, 1, 1, false);
        BatchNorm2d bn = new BatchNorm2d(6, 1e-5, 0.1);
        ConvBn cb = new ConvBn(conv, bn);
        bn.eval();
        Tensor x = Tensor.randn(rng, 2, 4, 9, 7);
        for (String name : new String[] {"running_mean", "running_var", "weight", "bias"}) {
            try (var g = GradMode.noGrad()) {
                cb.applyRelu(x); // computes (and keeps) the affine from the current tensors
                Tensor v = Tensor.randn(rng, 6);
                bn.namedState().get(name).set(name.equals("running_var") ? v.abs().add(0.5) : v);
                Tensor fused = cb.applyRelu(x), composed = bn.forward(conv.forward(x)).relu();
                assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), "after replacing " + name);
            }
        }
    }
}
