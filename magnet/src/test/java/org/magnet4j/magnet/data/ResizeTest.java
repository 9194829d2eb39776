package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Resize}, {@link ImageIo} decoding and {@link Visualize#overlay} against {@code cv2.resize} (OpenCV 4.6.0, Debian python3-opencv), and {@link ImageNormalizer}
 * against torchvision 0.14 ToTensor + Normalize (and the reference's NormalizeInverse + to_pil_image): every case of
 * {@code resize_refs.tsv} (written by {@code magnet/src/test/python/make_resize_refs.py}) is replayed and its
 * output compared byte for byte (whole outputs for small cases, SHA-256 for the big ones). Measured: 113 of 113
 * cases bit-exact (5 of them normalisation: float32 bytes identical; 2 colouring and demo.py's overlay), 0 differing bytes, including Cityscapes 2048x1024 to 256x128/512x256/1024x512, DeepGlobe
 * 2448 to 612/1224/508, 612-pixel patches to 508, exact 2x downscales (OpenCV's resizeAreaFast path), 1x1 and
 * odd sizes, INTER_NEAREST at the same sizes.
 */
class ResizeTest {
    private static final String RES = "/org/magnet4j/magnet/data/";

    record Case(String name, String pipeline, int w, int h, int cn, String sha256) {
        boolean needsFixtures() { return pipeline.startsWith("load:"); }
    }

    static List<Case> cases() throws IOException {
        List<Case> out = new ArrayList<>();
        try (InputStream in = ResizeTest.class.getResourceAsStream(RES + "resize_refs.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                String[] s = f[2].split(" ");
                out.add(new Case(f[0], f[1], Integer.parseInt(s[0]), Integer.parseInt(s[1]), Integer.parseInt(s[2]), f[3]));
            }
        }
        return out;
    }

    /** An interleaved image with cn channels, as the pipeline passes it along. */
    record Img(int w, int h, int cn, byte[] data) {}

    static Img run(String pipeline, Map<String, Img> cache) {
        Img img = null;
        for (String op : pipeline.split(" \\| ")) {
            int colon = op.indexOf(':');
            String kind = colon < 0 ? op : op.substring(0, colon);
            String arg = colon < 0 ? "" : op.substring(colon + 1);
            int[] n = kind.equals("load") || kind.equals("demo") || arg.isEmpty() ? null : Stream.of(arg.split(",")).mapToInt(Integer::parseInt).toArray();
            switch (kind) {
                case "load" -> img = cache.computeIfAbsent(arg, a -> {
                    RgbImage im = ImageIo.readRgb(a.equals("cityscapes") ? Fixtures.cityscapesImage() : Fixtures.deepglobeImage());
                    return new Img(im.width(), im.height(), 3, im.rgb());
                });
                case "noise" -> img = new Img(n[0], n[1], n[2], noise(n[0] * n[1] * n[2]));
                case "channel" -> {
                    byte[] d = new byte[img.w * img.h];
                    for (int i = 0; i < d.length; i++) d[i] = img.data[i * img.cn + n[0]];
                    img = new Img(img.w, img.h, 1, d);
                }
                case "crop" -> {
                    int w = n[2] - n[0], h = n[3] - n[1];
                    byte[] d = new byte[w * h * img.cn];
                    for (int y = 0; y < h; y++)
                        System.arraycopy(img.data, ((n[1] + y) * img.w + n[0]) * img.cn, d, y * w * img.cn, w * img.cn);
                    img = new Img(w, h, img.cn, d);
                }
                case "linear" -> img = new Img(n[0], n[1], img.cn, Resize.linear(img.data, img.w, img.h, img.cn, n[0], n[1]));
                case "nearest" -> img = new Img(n[0], n[1], img.cn, Resize.nearest(img.data, img.w, img.h, img.cn, n[0], n[1]));
                case "classes" -> {
                    byte[] d = new byte[n[0] * n[1]];
                    for (int y = 0; y < n[1]; y++)
                        for (int x = 0; x < n[0]; x++) d[y * n[0] + x] = (byte) (((7 * x + 3 * y) / 13) % 19);
                    img = new Img(n[0], n[1], 1, d);
                }
                case "colorize" -> img = new Img(img.w, img.h, 3,
                        Datasets.cityscapes().colorize(new GrayImage(img.w, img.h, img.data)).rgb());
                case "demo" -> {
                    Img base = run("load:" + arg, cache);
                    RgbImage colour = Resize.linear(new RgbImage(img.w, img.h, img.data), base.w, base.h);
                    img = new Img(base.w, base.h, 3, Visualize.overlay(new RgbImage(base.w, base.h, base.data), colour).rgb());
                }
                case "normalize" -> {
                    float[] chw = ImageNormalizer.imagenet().toChw(new RgbImage(img.w, img.h, img.data));
                    ByteBuffer bb = ByteBuffer.allocate(chw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bb.asFloatBuffer().put(chw);
                    img = new Img(img.w, img.h, 3, bb.array());
                }
                case "roundtrip" -> {
                    ImageNormalizer nz = ImageNormalizer.imagenet();
                    img = new Img(img.w, img.h, 3, nz.denormalize(nz.toChw(new RgbImage(img.w, img.h, img.data)), img.w, img.h).rgb());
                }
                default -> throw new IllegalArgumentException(op);
            }
        }
        return img;
    }

    /** v[i] = ((i * 2654435761) mod 2^32) >> 24, as the generator writes it. */
    static byte[] noise(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) d[i] = (byte) ((((long) i * 2654435761L) & 0xFFFFFFFFL) >>> 24);
        return d;
    }

    static String sha256(byte[] d) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] small(String name) throws IOException {
        try (InputStream in = ResizeTest.class.getResourceAsStream(RES + "small/" + name + ".bin")) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesOpenCvBitForBit() throws IOException {
        Map<String, Img> cache = new HashMap<>();
        List<DynamicTest> tests = new ArrayList<>();
        boolean fixtures = Fixtures.present();
        int exact = 0, run = 0;
        long bytes = 0, differingTotal = 0;
        for (Case c : cases()) {
            if (c.needsFixtures() && !fixtures) {
                tests.add(DynamicTest.dynamicTest(c.name + ": skipped (no shared fixtures)",
                        () -> Fixtures.require("images/639004_sat.jpg")));
                continue;
            }
            Img out = run(c.pipeline, cache);
            byte[] ref = small(c.name);
            String digest = sha256(out.data);
            int differing = -1;
            if (ref != null && ref.length == out.data.length) {
                differing = 0;
                for (int i = 0; i < ref.length; i++) if (ref[i] != out.data[i]) differing++;
            } else if (digest.equals(c.sha256)) differing = 0;
            String figure = differing >= 0 ? differing + " differing bytes of " + out.data.length : "SHA-256 differs (" + out.data.length + " bytes)";
            int d = differing;
            run++;
            bytes += out.data.length;
            if (differing == 0) exact++;
            differingTotal += differing > 0 ? differing : (differing < 0 ? out.data.length : 0);
            tests.add(DynamicTest.dynamicTest(c.name + " [" + c.pipeline + "]: " + figure, () -> {
                assertEquals(c.w + "x" + c.h + "x" + c.cn, out.w + "x" + out.h + "x" + out.cn, "output size");
                assertEquals(0, d, c.name + ": bytes differing from cv2.resize");
                assertEquals(c.sha256, digest, c.name + ": SHA-256 of the output vs cv2.resize");
            }));
        }
        System.out.printf("ResizeTest: %d of %d cases bit-exact against cv2.resize, %d differing bytes of %d compared%n",
                exact, run, differingTotal, bytes);
        return tests.stream();
    }

    @Test
    void identitySizeCopiesAndTwoByTwoAverageRoundsHalfUp() {
        byte[] src = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(src, Resize.linear(src, 3, 2, 1, 3, 2));
        // exact 2x downscale = (a + b + c + d + 2) >> 2 (OpenCV's resizeAreaFast)
        assertArrayEquals(new byte[] {3}, Resize.linear(new byte[] {1, 2, 3, 4}, 2, 2, 1, 1, 1)); // 10/4 = 2.5 -> 3
        assertArrayEquals(new byte[] {2}, Resize.linear(new byte[] {1, 2, 2, 4}, 2, 2, 1, 1, 1)); // 9/4 = 2.25 -> 2
        // nearest: sx = floor(dx * sw / dw)
        assertArrayEquals(new byte[] {10, 10, 20, 20, 30, 30}, Resize.nearest(new byte[] {10, 20, 30}, 3, 1, 1, 6, 1));
        assertArrayEquals(new byte[] {10, 20}, Resize.nearest(new byte[] {10, 20, 30}, 3, 1, 1, 2, 1));
    }

    @Test
    void badSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Resize.linear(new byte[5], 2, 2, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Resize.linear(new byte[4], 2, 2, 1, 0, 1));
    }
}
