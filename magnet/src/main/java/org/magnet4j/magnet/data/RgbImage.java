package org.magnet4j.magnet.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.io.Npy;
import org.magnet4j.tensor.io.NpyArray;

/**
 * An 8-bit RGB picture: {@code rgb} holds {@code height} rows of {@code width} pixels, each pixel three bytes
 * R, G, B (row-major, interleaved, no padding). Bytes are unsigned: read them with {@code & 0xFF}.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if ((long) width * height * 3 != rgb.length)
            throw new IllegalArgumentException(width + "x" + height + " RGB needs " + (long) width * height * 3 + " bytes, got " + rgb.length);
    }

    /**
     * An H x W x 3 uint8 .npy (numpy's {@code image[y, x, c]}, RGB) as an image: how a runtime without java.desktop
     * (the GPU machine's, {@code scripts/gpu-pack.sh}) reads a picture that Python decoded. No javax.imageio here.
     */
    public static RgbImage readNpy(Path file) {
        NpyArray a;
        try {
            a = Npy.read(file);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read " + file + ": " + e.getMessage(), e);
        }
        int[] s = a.shape();
        if (a.dtype() != DType.UINT8 || s.length != 3 || s[2] != 3)
            throw new ImageFileException(file, file + ": expected an H x W x 3 uint8 RGB array, got " + a.dtype() + " of shape " + Arrays.toString(s));
        return new RgbImage(s[1], s[0], (byte[]) a.data());
    }

    /** A black image. */
    public static RgbImage black(int width, int height) { return new RgbImage(width, height, new byte[Math.multiplyExact(width * 3, height)]); }

    /** A single-colour image. */
    public static RgbImage filled(int width, int height, int r, int g, int b) {
        RgbImage im = black(width, height);
        byte[] d = im.rgb;
        for (int i = 0; i < d.length; i += 3) { d[i] = (byte) r; d[i + 1] = (byte) g; d[i + 2] = (byte) b; }
        return im;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) { return rgb[(y * width + x) * 3 + c] & 0xFF; }

    /** The pixels {@code [x0, x1) x [y0, y1)} as a new image (numpy {@code image[y0:y1, x0:x1]}); the box must lie inside. */
    public RgbImage crop(int x0, int y0, int x1, int y1) {
        if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x0 >= x1 || y0 >= y1)
            throw new IllegalArgumentException("crop box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + ") is not inside a " + width + "x" + height + " image");
        int w = x1 - x0, h = y1 - y0;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) System.arraycopy(rgb, ((y0 + y) * width + x0) * 3, out, y * w * 3, w * 3);
        return new RgbImage(w, h, out);
    }

    /** Channel order swapped (RGB to BGR and back), as {@code image[:, :, ::-1]}. */
    public RgbImage swapRedBlue() {
        byte[] out = rgb.clone();
        for (int i = 0; i < out.length; i += 3) { out[i] = rgb[i + 2]; out[i + 2] = rgb[i]; }
        return new RgbImage(width, height, out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.rgb, rgb);
    }

    @Override public int hashCode() { return 31 * (31 * width + height) + Arrays.hashCode(rgb); }

    @Override public String toString() { return "RgbImage[" + width + "x" + height + "]"; }
}
