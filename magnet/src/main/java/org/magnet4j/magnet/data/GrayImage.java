package org.magnet4j.magnet.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit single-channel image (a label map or a class map): {@code height} rows of {@code width} bytes,
 * row-major. Values are unsigned: read them with {@code & 0xFF}.
 */
public record GrayImage(int width, int height, byte[] data) {
    public GrayImage {
        Objects.requireNonNull(data, "data");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if ((long) width * height != data.length)
            throw new IllegalArgumentException(width + "x" + height + " needs " + (long) width * height + " bytes, got " + data.length);
    }

    public static GrayImage zeros(int width, int height) { return new GrayImage(width, height, new byte[Math.multiplyExact(width, height)]); }

    /** Value at (x, y), 0..255. */
    public int get(int x, int y) { return data[y * width + x] & 0xFF; }

    /** The pixels {@code [x0, x1) x [y0, y1)} as a new image; the box must lie inside. */
    public GrayImage crop(int x0, int y0, int x1, int y1) {
        if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x0 >= x1 || y0 >= y1)
            throw new IllegalArgumentException("crop box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + ") is not inside a " + width + "x" + height + " image");
        int w = x1 - x0, h = y1 - y0;
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(data, (y0 + y) * width + x0, out, y * w, w);
        return new GrayImage(w, h, out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof GrayImage g && g.width == width && g.height == height && Arrays.equals(g.data, data);
    }

    @Override public int hashCode() { return 31 * (31 * width + height) + Arrays.hashCode(data); }

    @Override public String toString() { return "GrayImage[" + width + "x" + height + "]"; }
}
