package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.functional.Activations;
import org.magnet4j.nn.layers.AdaptiveAvgPool2d;
import org.magnet4j.nn.layers.AvgPool2d;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.Dropout;
import org.magnet4j.nn.layers.Dropout2d;
import org.magnet4j.nn.layers.Identity;
import org.magnet4j.nn.layers.MaxPool2d;
import org.magnet4j.nn.layers.PReLU;
import org.magnet4j.tensor.Tensor;

/** Layer behaviour checked by hand: initial values, train/eval modes, pooling arithmetic, helpers. */
class LayersTest {
    static Tensor ramp(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return Tensor.fromArray(a, shape);
    }

    @Test
    void preluStartsAtQuarterWithOneOrPerChannelSlopes() {
        assertArrayEquals(new float[] {0.25f}, new PReLU().weight().toFloatArray());
        PReLU p = new PReLU(3);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, p.weight().toFloatArray());
        assertEquals(List.of("weight"), List.copyOf(p.stateDict().keySet()));
        Tensor y = p.forward(Tensor.fromArray(new float[] {-4, 2, -8, 3, 0, -1}, 1, 3, 2, 1));
        assertArrayEquals(new float[] {-1, 2, -2, 3, 0, -0.25f}, y.toFloatArray());
        assertThrows(RuntimeException.class, () -> p.forward(Tensor.zeros(1, 2, 2, 2)));
    }

    @Test
    void dropoutIsIdentityInEvalAndScaledBernoulliInTraining() {
        Init.manualSeed(3);
        Dropout d = new Dropout(0.3);
        Tensor x = Tensor.full(2.0, 100, 100).requiresGrad(true);
        d.eval();
        assertSame(x, d.forward(x));
        d.train(true);
        Tensor y = d.forward(x);
        float[] v = y.toFloatArray();
        int zeros = 0;
        for (float f : v) {
            assertTrue(f == 0f || Math.abs(f - 2 / 0.7f) < 1e-6, "value " + f);
            if (f == 0f) zeros++;
        }
        assertEquals(0.3, zeros / 10000.0, 0.03);
        y.sum().backward();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(v[i] == 0 ? 0f : 1 / 0.7f, g[i], 1e-6f);
        // same seed, same masks
        Init.manualSeed(3);
        assertArrayEquals(v, new Dropout(0.3).forward(x.detach()).toFloatArray());
        assertArrayEquals(new float[] {0, 0}, new Dropout(1.0).forward(Tensor.ones(2)).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void dropout2dDropsWholeChannels() {
        Init.manualSeed(4);
        Dropout2d d = new Dropout2d(0.5);
        Tensor y = d.forward(Tensor.ones(4, 8, 3, 3));
        int dropped = 0;
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 8; c++) {
                float[] plane = y.select(0, n).select(0, c).toFloatArray();
                for (float f : plane) assertEquals(plane[0], f);
                assertTrue(plane[0] == 0f || plane[0] == 2f);
                if (plane[0] == 0f) dropped++;
            }
        assertTrue(dropped > 4 && dropped < 28, "dropped " + dropped + " of 32 channels");
        d.eval();
        assertArrayEquals(Tensor.ones(4, 8, 3, 3).toFloatArray(), d.forward(Tensor.ones(4, 8, 3, 3)).toFloatArray());
    }

    @Test
    void poolingLayersAndIdentity() {
        Tensor x = ramp(1, 1, 4, 4);
        assertArrayEquals(new float[] {5, 7, 13, 15}, new MaxPool2d(2).forward(x).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, new AvgPool2d(2).forward(x).toFloatArray());
        // 3x3 stride 2 pad 1, count_include_pad: corner window holds 0,1,4,5 over 9 cells
        assertEquals(10f / 9, new AvgPool2d(3, 2, 1).forward(x).toFloatArray()[0], 1e-6);
        assertEquals(10f / 4, new AvgPool2d(3, 2, 1, false, false).forward(x).toFloatArray()[0], 1e-6);
        assertArrayEquals(new int[] {1, 1, 2, 2}, new MaxPool2d(3, 2, 1).forward(x).shape());
        assertArrayEquals(new float[] {7.5f}, new AdaptiveAvgPool2d(1).forward(x).toFloatArray());
        // PyTorch bins for 4 -> 3: [0,2), [1,3), [2,4)
        Tensor a = new AdaptiveAvgPool2d(3, 3).forward(x);
        assertEquals((0 + 1 + 4 + 5) / 4f, a.get(0, 0, 0, 0), 1e-6);
        assertEquals((10 + 11 + 14 + 15) / 4f, a.get(0, 0, 2, 2), 1e-6);
        assertSame(x, new Identity().forward(x));
    }

    @Test
    void batchNormEvalUsesRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1);
        bn.loadStateDict(java.util.Map.of("running_mean", Tensor.fromArray(new float[] {1, -2}, 2), "running_var", Tensor.fromArray(new float[] {4, 0.25f}, 2),
                "weight", Tensor.fromArray(new float[] {2, 3}, 2), "bias", Tensor.fromArray(new float[] {0.5f, -1}, 2)), false);
        bn.eval();
        Tensor y = bn.forward(Tensor.fromArray(new float[] {3, 5, -2, -1}, 1, 2, 1, 2));
        float[] v = y.toFloatArray();
        assertEquals((3 - 1) / Math.sqrt(4 + 1e-5) * 2 + 0.5, v[0], 1e-5);
        assertEquals((5 - 1) / Math.sqrt(4 + 1e-5) * 2 + 0.5, v[1], 1e-5);
        assertEquals((-2 + 2) / Math.sqrt(0.25 + 1e-5) * 3 - 1, v[2], 1e-5);
        assertEquals((-1 + 2) / Math.sqrt(0.25 + 1e-5) * 3 - 1, v[3], 1e-5);
        assertEquals(0L, bn.stateDict().get("num_batches_tracked").toLongArray()[0], "eval does not count batches");
    }

    @Test
    void conv2dUsesPyTorchDefaultInitBoundsAndChecksGroups() {
        Init.manualSeed(9);
        Conv2d c = new Conv2d(4, 6, 3, 1, 1, 1, 2, true);
        double bound = 1 / Math.sqrt(2 * 9);
        for (float w : c.weight().toFloatArray()) assertTrue(Math.abs(w) <= bound);
        for (float b : c.bias().toFloatArray()) assertTrue(Math.abs(b) <= bound);
        assertArrayEquals(new int[] {6, 2, 3, 3}, c.weight().shape());
        assertArrayEquals(new int[] {2, 6, 5, 5}, c.forward(Tensor.randn(new SplittableRandom(1), 2, 4, 5, 5)).shape());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 6, 3, 1, 1, 1, 2, true));
    }

    @Test
    void oneHotTopkAndSoftmaxHelpers() {
        Tensor oh = Activations.oneHot(Tensor.fromArray(new long[] {2, 0, 1}, 3), 4);
        assertArrayEquals(new int[] {3, 4}, oh.shape());
        assertArrayEquals(new long[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}, oh.toLongArray());
        Tensor[] t = Activations.topk(Tensor.fromArray(new float[] {3, 9, 1, 9, 5}, 5), 3, 0, true);
        assertArrayEquals(new float[] {9, 9, 5}, t[0].toFloatArray());
        assertArrayEquals(new long[] {1, 3, 4}, t[1].toLongArray());
        Tensor p = Activations.classProbabilities(Tensor.fromArray(new float[] {0, 0, Float.parseFloat("0.6931472")}, 1, 3, 1, 1));
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.5f}, p.toFloatArray(), 1e-6f);
        assertEquals(0f, Activations.logSoftmax(Tensor.zeros(1, 1), 1).toFloatArray()[0]);
    }
}
