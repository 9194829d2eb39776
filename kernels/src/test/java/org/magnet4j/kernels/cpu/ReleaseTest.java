package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * Tensor.release() and the CPU backend's buffer reuse: a released activation's array serves the next output of
 * its length (with correct values: outputs overwrite every element), memory goes back only when every tensor
 * over it (views included) has been released, nothing recorded for autograd is ever handed back, and a released
 * tensor refuses further use with a clear error instead of reading memory that now belongs to another tensor.
 */
class ReleaseTest {
    private static final int C = 4, H = 128, W = 128; // 65,536 floats: large enough to be pooled

    private static float[] array(Tensor t) { return (float[]) ((CpuStorage) t.storage()).array; }

    @Test
    void aReleasedBufferServesTheNextOutputOfItsLengthWithCorrectValues() {
        Tensor x = Tensor.randn(new SplittableRandom(1), 1, C, H, W);
        try (var g = GradMode.noGrad()) {
            Tensor doubled = x.mul(2);
            float[] buffer = array(doubled);
            assertTrue(doubled.release());
            Tensor shifted = x.add(1.0); // same length: gets the released array, every element rewritten
            assertSame(buffer, array(shifted));
            float[] xs = x.toFloatArray(), got = shifted.toFloatArray();
            for (int i = 0; i < xs.length; i++) assertEquals(xs[i] + 1f, got[i], 0f, "element " + i);

            Tensor w = Tensor.randn(new SplittableRandom(2), C, C, 3, 3);
            Tensor want = x.conv2d(w, null, Conv2dParams.of(1, 1, 1, 1));
            float[] wantBits = want.toFloatArray();
            assertTrue(shifted.release());
            Tensor again = x.conv2d(w, null, Conv2dParams.of(1, 1, 1, 1)); // a convolution over stale contents
            assertSame(buffer, array(again));
            assertArrayEquals(wantBits, again.toFloatArray());
        }
    }

    /**
     * Matrix products, softmax, max pooling and roi_align take their outputs from released buffers too (OCR's 32 MB attention product was
     * allocated afresh every forward, and the pool's churn made young collections copy it): a buffer full of NaN
     * must not show through.
     */
    @Test
    void matmulSoftmaxMaxPoolAndRoiAlignOverwriteAReusedBuffer() {
        try (var g = GradMode.noGrad()) {
            Tensor a = Tensor.randn(new SplittableRandom(5), 1, 256, 48), b = Tensor.randn(new SplittableRandom(6), 1, 48, 256);
            assertOverwritesAReusedBuffer(() -> a.matmul(b));

            Tensor logits = Tensor.randn(new SplittableRandom(7), 1, 19, 64, 64);
            assertOverwritesAReusedBuffer(() -> logits.softmax(1));

            // ResNet's stem pool, 3x3 stride 2 padded, whose output rows mix vector and scalar columns
            Tensor features = Tensor.randn(new SplittableRandom(8), 1, 5, 255, 253);
            assertOverwritesAReusedBuffer(() -> features.maxPool2d(Pool2dParams.of(3, 2, 1)));

            // MagNet's coarse crops: roi_align of a 19-class map at two boxes
            Tensor map = Tensor.randn(new SplittableRandom(9), 1, 19, 64, 96);
            Tensor boxes = Tensor.fromArray(new float[] {0, 1.5f, 2f, 60f, 40f, 0, 10f, 5f, 90f, 63f}, 2, 5);
            assertOverwritesAReusedBuffer(() -> Sampling.roiAlign(map, boxes, 32, 64, 1.0, -1, false));
        }
    }

    /**
     * Runs op once for the expected values, releases a NaN-filled tensor of its output's shape (large enough to be
     * pooled), and runs op again: the output must take that very buffer and hold the same values.
     */
    private static void assertOverwritesAReusedBuffer(java.util.function.Supplier<Tensor> op) {
        Tensor first = op.get();
        float[] want = first.toFloatArray();
        Tensor stale = Tensor.full(Float.NaN, first.shape());
        float[] buffer = array(stale);
        assertTrue(stale.release());
        Tensor again = op.get();
        assertSame(buffer, array(again));
        assertArrayEquals(want, again.toFloatArray());
    }

    @Test
    void aReleasedTensorRefusesUseByName() {
        try (var g = GradMode.noGrad()) {
            Tensor t = Tensor.randn(new SplittableRandom(3), 1, C, H, W).relu();
            assertTrue(t.release());
            assertTrue(t.isReleased());
            assertFalse(t.release()); // twice: nothing more to give
            TensorException e = assertThrows(TensorException.class, () -> t.add(1.0));
            assertTrue(e.getMessage().contains("used after release()"), e.getMessage());
        }
    }

    @Test
    void memoryGoesBackOnlyWhenEveryTensorOverItIsReleased() {
        Tensor x = Tensor.randn(new SplittableRandom(4), 1, C, H, W);
        try (var g = GradMode.noGrad()) {
            Tensor y = x.relu();
            float[] buffer = array(y);
            Tensor view = y.reshape(C, H * W); // a second tensor over the same memory
            double sum = view.sum().item();
            assertFalse(y.release()); // y is dead, but the view still reads the memory
            assertTrue(y.isReleased());
            Tensor other = x.add(2.0); // so a new output of that length must not get it
            assertNotSame(buffer, array(other));
            assertEquals(sum, view.sum().item());
            assertTrue(view.release()); // the last one: now it goes back
            assertSame(buffer, array(x.add(3.0)));

            Tensor kept = x.relu();
            Tensor dropped = kept.detach(); // a view never released: the memory can never go back
            assertFalse(kept.release());
            assertTrue(dropped.sum().item() >= 0);
        }
    }

    /**
     * Temporaries inside reshape (the copy of a strided tensor) and matmul (its 3-d views of the operands and of
     * the result) must not keep holding memory once the op returns: a dropped holder kept OCR's attention
     * operands and results from ever going back, and an HRNet forward allocated 229 MB instead of about 60 MB.
     */
    @Test
    void reshapeAndMatmulLeaveNoHolderBehind() {
        Tensor x = Tensor.randn(new SplittableRandom(9), 1, C, H, W);
        try (var g = GradMode.noGrad()) {
            Tensor y = x.relu(), rows = y.reshape(1, C, H * W), query = rows.permute(0, 2, 1); // strided: H*W x C
            Tensor packed = query.reshape(H * W, C); // a copy, seen only through the result
            assertTrue(packed.release(), "the copy made by reshape goes back with its only view");

            Tensor key = Tensor.randn(new SplittableRandom(10), 1, C, 19);
            Tensor scores = query.matmul(key); // strided operand: copied inside matmul
            float[] want = scores.toFloatArray();
            assertTrue(scores.release(), "matmul's result is held by nothing else");
            assertFalse(y.release()); // its views still read it
            assertFalse(rows.release());
            assertTrue(query.release(), "matmul kept no view of its operand");

            // The same operand stored contiguous: viewed in place inside matmul
            Tensor a = x.relu().reshape(1, C, H * W).permute(0, 2, 1).contiguous();
            Tensor again = a.matmul(key);
            assertArrayEquals(want, again.toFloatArray()); // the same product after all the reuse
            float[] buffer = array(a);
            assertTrue(a.release(), "matmul kept no view of its operand");
            assertSame(buffer, array(x.add(1.0)));
        }
    }

    @Test
    void nothingRecordedForAutogradIsHandedBack() {
        Tensor x = Tensor.randn(new SplittableRandom(8), 1, C, H, W);
        Tensor recorded = x.relu(); // gradient mode on: autograd may still need any tensor
        assertFalse(recorded.release());
        assertFalse(recorded.isReleased());
        Tensor leaf = Tensor.randn(new SplittableRandom(5), 1, C, H, W).requiresGrad(true);
        try (var g = GradMode.noGrad()) {
            assertFalse(leaf.release());
            assertFalse(leaf.isReleased());
        }
    }

    @Test
    void thePoolKeepsOnlyLargeArraysUpToItsCapacityDroppingTheOldest() {
        int n = FloatArrayPool.MIN_LENGTH;
        FloatArrayPool pool = new FloatArrayPool(3L * 4 * n);
        float[] a = new float[n], b = new float[n], c = new float[2 * n], d = new float[n];
        pool.give(a);
        pool.give(b);
        pool.give(c); // over capacity: a, the oldest, goes to make room
        pool.give(new float[n - 1]); // too small to be worth pooling
        pool.give(new float[4 * n]); // larger than the whole pool
        assertEquals(3L * 4 * n, pool.pooledBytes());
        assertNull(pool.take(n - 1));
        assertSame(b, pool.take(n));
        assertNull(pool.take(n));
        pool.give(d);
        assertSame(c, pool.take(2 * n));
        assertSame(d, pool.take(n));
        assertEquals(0, pool.pooledBytes());
        FloatArrayPool off = new FloatArrayPool(0);
        off.give(a);
        assertNull(off.take(n));
    }

    @Test
    void freshOutputsAreNotTheReleasedOnesOfOtherLengths() {
        try (var g = GradMode.noGrad()) {
            Tensor t = Tensor.randn(new SplittableRandom(6), 1, C, H, W).relu();
            float[] buffer = array(t);
            t.release();
            Tensor other = Tensor.randn(new SplittableRandom(7), 1, C + 1, H, W).relu();
            assertNotSame(buffer, array(other));
        }
    }
}
