package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Layout and arithmetic of the normalisation. Bit-exactness against torchvision (float32 bytes identical on every
 * byte value and on real Cityscapes/DeepGlobe patches) is checked by the {@code normalize_*} and
 * {@code roundtrip_*} cases of {@link ResizeTest}.
 */
class ImageNormalizerTest {
    @Test
    void channelsFirstFloat32WithTorchvisionArithmetic() {
        RgbImage im = new RgbImage(2, 1, new byte[] {0, (byte) 128, (byte) 255, 10, 20, 30});
        Tensor t = ImageNormalizer.imagenet().toTensor(im);
        assertArrayEquals(new int[] {1, 3, 1, 2}, t.shape());
        assertEquals(DType.FLOAT32, t.dtype());
        float[] v = t.toFloatArray();
        // ToTensor divides by 255 in float32, Normalize subtracts then divides, float32 throughout
        assertEquals(((0 / 255f) - 0.485f) / 0.229f, v[0]);
        assertEquals(((10 / 255f) - 0.485f) / 0.229f, v[1]);
        assertEquals(((128 / 255f) - 0.456f) / 0.224f, v[2]);
        assertEquals(((255 / 255f) - 0.406f) / 0.225f, v[4]);
        assertEquals(((30 / 255f) - 0.406f) / 0.225f, v[5]);
    }

    @Test
    void stacksABatchAndDenormalizesLikeTheReference() {
        RgbImage a = new RgbImage(3, 2, ResizeTest.noise(18)), b = RgbImage.filled(3, 2, 0, 100, 255);
        Tensor t = ImageNormalizer.imagenet().toTensor(List.of(a, b));
        assertArrayEquals(new int[] {2, 3, 2, 3}, t.shape());
        // the reference's inverse truncates, so some values come back one lower; never higher, never more
        RgbImage back = ImageNormalizer.imagenet().denormalize(t.select(0, 0));
        for (int i = 0; i < 18; i++) {
            int d = (a.rgb()[i] & 0xFF) - (back.rgb()[i] & 0xFF);
            assertEquals(true, d == 0 || d == 1, "value " + i + " off by " + d);
        }
    }
}
