package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image reading and writing. Decoding of the two fixture images against {@code cv2.imread} (libjpeg-turbo 2.1.5,
 * libpng 1.6.39) is measured by the SHA-256 digests in {@code resize_refs.tsv} (cases {@code decode_*}).
 */
class ImageIoTest {
    @TempDir Path tmp;

    private static String expectedDigest(String name) throws IOException {
        return ResizeTest.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().sha256();
    }

    @Test
    void jpegDecodeMatchesOpenCv_maxAbsDiff0_0PercentPixelsDiffer() throws IOException {
        RgbImage im = ImageIo.readRgb(Fixtures.deepglobeImage());
        assertEquals(2448, im.width());
        assertEquals(2448, im.height());
        // Measured with make_resize_refs.py: javax.imageio vs cv2.imread on 639004_sat.jpg (4:2:0, baseline):
        // max |difference| 0, 0 of 5,992,704 pixels differ. The digest below is cv2's decode.
        assertEquals(expectedDigest("decode_deepglobe_jpg"), ResizeTest.sha256(im.rgb()),
                "javax.imageio's JPEG decode differs from cv2.imread's");
    }

    @Test
    void pngDecodeIsBitExact() throws IOException {
        RgbImage im = ImageIo.readRgb(Fixtures.cityscapesImage());
        assertEquals(2048, im.width());
        assertEquals(1024, im.height());
        assertEquals(expectedDigest("decode_cityscapes_png"), ResizeTest.sha256(im.rgb()), "PNG decode differs from cv2.imread's");
    }

    @Test
    void pngRoundTripsLosslessly() {
        RgbImage rgb = new RgbImage(5, 3, ResizeTest.noise(45));
        ImageIo.writePng(rgb, tmp.resolve("a/b/rgb.png"));
        assertEquals(rgb, ImageIo.readRgb(tmp.resolve("a/b/rgb.png")));
        GrayImage g = new GrayImage(7, 4, ResizeTest.noise(28));
        ImageIo.writePng(g, tmp.resolve("g.png"));
        assertEquals(g, ImageIo.readGray(tmp.resolve("g.png")));
        // a grey PNG read as RGB replicates the value (IMREAD_COLOR), without gamma conversion
        RgbImage asRgb = ImageIo.readRgb(tmp.resolve("g.png"));
        for (int i = 0; i < 28; i++) {
            int v = g.data()[i] & 0xFF;
            assertEquals(v, asRgb.rgb()[i * 3] & 0xFF);
            assertEquals(v, asRgb.rgb()[i * 3 + 2] & 0xFF);
        }
        // overwriting leaves no temporary file behind
        ImageIo.writePng(g, tmp.resolve("g.png"));
        assertEquals(List.of("g.png"), list(tmp).stream().filter(n -> n.startsWith(".") || n.startsWith("g")).toList());
    }

    @Test
    void jpegWritesAtTheRequestedQuality() throws IOException {
        RgbImage smooth = new RgbImage(64, 64, new byte[64 * 64 * 3]);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) {
                int o = (y * 64 + x) * 3;
                smooth.rgb()[o] = (byte) (x * 4);
                smooth.rgb()[o + 1] = (byte) (y * 4);
                smooth.rgb()[o + 2] = (byte) 128;
            }
        ImageIo.writeJpeg(smooth, tmp.resolve("q95.jpg"), 95);
        ImageIo.writeJpeg(smooth, tmp.resolve("q10.jpg"), 10);
        ImageIo.write(smooth, tmp.resolve("default.jpg"));
        RgbImage back = ImageIo.readRgb(tmp.resolve("q95.jpg"));
        int max = 0;
        for (int i = 0; i < back.rgb().length; i++) max = Math.max(max, Math.abs((back.rgb()[i] & 0xFF) - (smooth.rgb()[i] & 0xFF)));
        assertTrue(max <= 8, "quality 95 max error " + max);
        assertTrue(Files.size(tmp.resolve("q10.jpg")) < Files.size(tmp.resolve("q95.jpg")));
        assertEquals(Files.size(tmp.resolve("q95.jpg")), Files.size(tmp.resolve("default.jpg")), "default quality is 95");
        assertThrows(IllegalArgumentException.class, () -> ImageIo.writeJpeg(smooth, tmp.resolve("x.jpg"), 101));
    }

    @Test
    void sixteenBitAndPaletteLabelsReadAsIds() throws IOException {
        // 16-bit grey with small values: the values themselves (cv2 would keep the high byte: all zeros)
        BufferedImage g16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = g16.getRaster();
        int[] ids = {0, 7, 33, 255, 26, 1};
        r.setPixels(0, 0, 3, 2, ids);
        ImageIO.write(g16, "png", tmp.resolve("l16.png").toFile());
        GrayImage l = ImageIo.readGray(tmp.resolve("l16.png"));
        for (int i = 0; i < 6; i++) assertEquals(ids[i], l.data()[i] & 0xFF);
        r.setSample(1, 1, 0, 300);
        ImageIO.write(g16, "png", tmp.resolve("big16.png").toFile());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageIo.readGray(tmp.resolve("big16.png")));
        assertTrue(e.getMessage().contains("big16.png") && e.getMessage().contains("300"), e.getMessage());
        // palette PNG: the palette index (as PIL reads it), colours when read as RGB
        byte[] red = {0, (byte) 200, 10, 0}, green = {0, 100, 20, 0}, blue = {0, 50, 30, (byte) 255};
        BufferedImage p = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, red, green, blue));
        p.getRaster().setPixels(0, 0, 2, 2, new int[] {0, 1, 2, 3});
        ImageIO.write(p, "png", tmp.resolve("pal.png").toFile());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, ImageIo.readGray(tmp.resolve("pal.png")).data());
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 200, 100, 50, 10, 20, 30, 0, 0, (byte) 255}, ImageIo.readRgb(tmp.resolve("pal.png")).rgb());
        // RGB label with equal channels reads as that value; otherwise libpng's luminance
        RgbImage rgb = new RgbImage(2, 1, new byte[] {7, 7, 7, (byte) 255, 0, 0});
        ImageIo.writePng(rgb, tmp.resolve("rgb.png"));
        assertArrayEquals(new byte[] {7, (byte) ((9798 * 255 + 16384) >> 15)}, ImageIo.readGray(tmp.resolve("rgb.png")).data());
    }

    @Test
    void missingAndBrokenFilesNameTheFile() throws IOException {
        Path missing = tmp.resolve("nope.png");
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageIo.readRgb(missing));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals(missing, e.path());
        Path junk = tmp.resolve("junk.jpg");
        Files.writeString(junk, "this is not an image");
        e = assertThrows(ImageFileException.class, () -> ImageIo.readGray(junk));
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
        Path truncated = tmp.resolve("cut.png");
        ImageIo.writePng(new RgbImage(40, 40, ResizeTest.noise(4800)), truncated);
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        e = assertThrows(ImageFileException.class, () -> ImageIo.readRgb(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
        assertThrows(ImageFileException.class, () -> ImageIo.readRgb(tmp));
    }

    private static List<String> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
