package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/** The convolution profile names each layer's path and shape, counts its calls and FLOPs, and records nothing when off. */
class ConvProfileTest {
    @Test
    void groupsConvolutionsByPathAndShapeWhileOn() {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = Tensor.randn(rng, 1, 8, 16, 32), w1 = Tensor.randn(rng, 4, 8, 1, 1), w3 = Tensor.randn(rng, 6, 8, 3, 3);
        try (var g = GradMode.noGrad()) {
            x.conv2d(w1, null, Conv2dParams.of(1, 0, 1, 1)); // before start: not recorded
            ConvProfile.start();
            for (int i = 0; i < 3; i++) x.conv2d(w1, null, Conv2dParams.of(1, 0, 1, 1));
            x.conv2d(w3, null, Conv2dParams.of(2, 1, 1, 1));
            List<ConvProfile.Entry> groups = ConvProfile.stop();
            x.conv2d(w3, null, Conv2dParams.of(2, 1, 1, 1)); // after stop: not recorded
            assertEquals(2, groups.size(), groups.toString());
            ConvProfile.Entry pointwise = groups.stream().filter(e -> e.path().equals("gemm 1x1")).findFirst().orElseThrow();
            assertEquals("1x1 8->4 at 16x32", pointwise.layer());
            assertEquals(3, pointwise.calls());
            assertEquals(2L * 4 * 16 * 32 * 8, pointwise.flopsPerCall());
            ConvProfile.Entry strided = groups.stream().filter(e -> e.layer().startsWith("3x3")).findFirst().orElseThrow();
            assertEquals("3x3 8->6 stride 2 at 16x32", strided.layer());
            assertEquals("gemm padded", strided.path());
            assertEquals(1, strided.calls());
            assertEquals(2L * 6 * 8 * 16 * 8 * 9, strided.flopsPerCall()); // 8 x 16 output pixels
            assertTrue(strided.minNanos() > 0 && strided.totalNanos() >= strided.minNanos());
            assertTrue(pointwise.totalNanos() >= 3 * pointwise.minNanos());
        }
    }
}
