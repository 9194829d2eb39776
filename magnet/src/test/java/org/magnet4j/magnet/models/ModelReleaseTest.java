package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * In inference the models release their intermediates as they are consumed, and later ops write into the recycled
 * buffers: every output bit must equal a forward that releases nothing (gradient mode on), forward after forward,
 * and the caller's image must never be released. A tensor used after its release would throw instead.
 */
class ModelReleaseTest {
    private static void releasingChangesNoBit(Module model, int h, int w) {
        model.eval();
        Tensor image = Tensor.randn(new SplittableRandom(5), 1, 3, h, w);
        float[] want = model.forward(image).detach().toFloatArray(); // gradient mode: nothing is released
        try (var g = GradMode.noGrad()) {
            for (int rep = 0; rep < 3; rep++) {
                assertArrayEquals(want, model.forward(image).toFloatArray(), "forward " + rep);
                assertFalse(image.isReleased(), "the caller's image was released");
            }
        }
    }

    @Test void pspNet() { releasingChangesNoBit(new PSPNet(3, 4), 256, 224); }

    @Test void resNetFpn() { releasingChangesNoBit(new ResNetFPN(3, 4), 256, 224); }

    @Test void resNetAlone() { releasingChangesNoBit(new ResNet(ResNet.RESNET101, 4), 256, 256); }
}
