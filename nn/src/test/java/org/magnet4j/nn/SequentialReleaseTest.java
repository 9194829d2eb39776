package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.Identity;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * In inference Sequential releases each layer's output once the next layer has consumed it, so later layers
 * write into recycled buffers: outputs must be bit-identical to a run that releases nothing (gradient mode on),
 * over repeated forwards, and the caller's input must never be released (an identity layer passes it through).
 */
class SequentialReleaseTest {
    @Test
    void releasingIntermediatesChangesNoOutputBit() {
        SplittableRandom rng = new SplittableRandom(11);
        Sequential net = new Sequential(new Identity(), new Conv2d(3, 8, 3, 1, 1, true), new ReLU(), new Conv2d(8, 8, 3, 1, 1, false),
                new ReLU(), new Conv2d(8, 4, 1, 1, 0, true));
        Tensor x = Tensor.randn(rng, 1, 3, 96, 128); // 8 x 96 x 128 activations: large enough to be pooled
        float[] want = net.forward(x).detach().toFloatArray(); // gradient mode: nothing is released
        try (var g = GradMode.noGrad()) {
            for (int rep = 0; rep < 3; rep++) {
                assertArrayEquals(want, net.forward(x).toFloatArray(), "forward " + rep);
                assertFalse(x.isReleased());
            }
        }
    }
}
