package org.magnet4j.magnet.data;

import java.util.List;
import org.magnet4j.tensor.Tensor;

/**
 * torchvision's {@code Compose([ToTensor(), Normalize(mean, std)])} on an 8-bit RGB image, bit for bit:
 * every value is {@code ((v / 255f) - mean_c) / std_c} in float32 (ToTensor divides by 255 in float32;
 * Normalize subtracts and then divides by float32 mean and std). Verified against torchvision 0.14 in
 * {@code ImageNormalizerTest}. Also the reference's inverse ({@code NormalizeInverse} + {@code to_pil_image}) used
 * to draw the coarse input in {@code test.py --save_pred}.
 */
public final class ImageNormalizer {
    /** ImageNetmean and std, as the reference uses them. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final ImageNormalizer IMAGENET = new ImageNormalizer(IMAGENET_MEAN, IMAGENET_STD);

    private final float[] mean;
    private final float[] std;

    public ImageNormalizer(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values each");
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static ImageNormalizer imagenet() { return IMAGENET; }

    /** The image as a float32 {@code [1, 3, H, W]} tensor. */
    public Tensor toTensor(RgbImage image) { return Tensor.fromArray(toChw(image), 1, 3, image.height(), image.width()); }

    /** Images of one size stacked into a float32 {@code [N, 3, H, W]} tensor. */
    public Tensor toTensor(List<RgbImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images to stack");
        int w = images.get(0).width(), h = images.get(0).height();
        int plane = 3 * w * h;
        float[] out = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            if (im.width() != w || im.height() != h)
                throw new IllegalArgumentException("image " + i + " is " + im.width() + "x" + im.height() + ", expected " + w + "x" + h);
            System.arraycopy(toChw(im), 0, out, i * plane, plane);
        }
        return Tensor.fromArray(out, images.size(), 3, h, w);
    }

    /** Channels-first float32 values {@code [3][H][W]}, flattened. */
    public float[] toChw(RgbImage image) {
        int n = image.width() * image.height();
        byte[] rgb = image.rgb();
        float[] out = new float[3 * n];
        float[] lut = new float[3 * 256];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) lut[c * 256 + v] = ((v / 255f) - mean[c]) / std[c];
        for (int c = 0; c < 3; c++) {
            int o = c * n, l = c * 256;
            for (int i = 0; i < n; i++) out[o + i] = lut[l + (rgb[i * 3 + c] & 0xFF)];
        }
        return out;
    }

    /**
     * The reference's way back to pixels ({@code test.py}): {@code NormalizeInverse} (Normalize with
     * {@code std_inv = 1 / (std + 1e-7)}, {@code mean_inv = -mean * std_inv}, float32) then {@code to_pil_image}
     * ({@code mul(255).byte()}: truncation toward zero, wrapping modulo 256 as the C cast does on x86 for values
     * outside 0..255). This loses one grey level on some pixels, as the reference does.
     * @param chw {@code [3][H][W]} flattened float32 values (one image)
     */
    public RgbImage denormalize(float[] chw, int width, int height) {
        int n = width * height;
        if (chw.length != 3 * n) throw new IllegalArgumentException("denormalize: " + chw.length + " values for 3x" + height + "x" + width);
        byte[] out = new byte[3 * n];
        for (int c = 0; c < 3; c++) {
            float stdInv = 1f / (std[c] + 1e-7f);
            float meanInv = -mean[c] * stdInv;
            for (int i = 0; i < n; i++) {
                float v = ((chw[c * n + i] - meanInv) / stdInv) * 255f;
                out[i * 3 + c] = (byte) (int) v;
            }
        }
        return new RgbImage(width, height, out);
    }

    /** {@link #denormalize(float[], int, int)} of a {@code [3, H, W]} or {@code [1, 3, H, W]} tensor. */
    public RgbImage denormalize(Tensor chw) {
        int[] s = chw.shape();
        int h = s[s.length - 2], w = s[s.length - 1];
        return denormalize(chw.contiguous().toFloatArray(), w, h);
    }
}
