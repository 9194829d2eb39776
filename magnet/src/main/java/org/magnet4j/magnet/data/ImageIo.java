package org.magnet4j.magnet.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reads and writes PNG and JPEG files through {@code javax.imageio}, with the conversions the reference gets
 * from OpenCV's {@code cv2.imread}:
 * <ul>
 * <li>{@link #readRgb}: 8-bit RGB, as {@code cvtColor(imread(path, IMREAD_COLOR), BGR2RGB)}: grey is replicated,
 * alpha dropped, palettes expanded, 16-bit samples reduced to their high byte (libpng's {@code strip_16}),
 * 1/2/4-bit grey scaled to 0..255. Colour-managed conversion (ICC profiles, gAMA) is never applied, as in OpenCV.
 * <li>{@link #readGray}: one byte per pixel for label maps, as {@code imread(path, IMREAD_GRAYSCALE)} for 8-bit
 * grey files. Where OpenCV would destroy label ids this reads them "sensibly" instead: palette PNGs give the
 * palette index (as PIL does, OpenCV would give the luminance of the palette colour); 16-bit grey gives the
 * value itself when every value is at most 255 (OpenCV would keep the high byte, turning ids into 0) and fails
 * otherwise. RGB files give R where R = G = B, else libpng's luminance {@code (9798 R + 19235 G + 3735 B + 16384) >> 15}.
 * </ul>
 * JPEG decoding is libjpeg's (IJG 6b inside the JDK: islow IDCT, fancy upsampling), which OpenCV's libjpeg-turbo
 * matches; see {@code ImageIoTest} for the measured difference. Writes go to a temporary file in the target
 * folder that is then renamed over the target, so a reader never sees a half-written image.
 */
public final class ImageIo {
    private ImageIo() {}

    // ---- reading --------------------------------------------------------------------------------------------

    /** Reads a PNG or JPEG (anything javax.imageio decodes) as 8-bit RGB. */
    public static RgbImage readRgb(Path path) { return rgbOf(decode(path), path); }

    private static RgbImage rgbOf(BufferedImage bi, Path path) {
        Raster r = bi.getRaster();
        ColorModel cm = bi.getColorModel();
        int w = bi.getWidth(), h = bi.getHeight();
        byte[] out = new byte[Math.multiplyExact(w * 3, h)];
        if (cm instanceof IndexColorModel icm) {
            int[] idx = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, idx);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int i = idx[x];
                    out[o] = (byte) icm.getRed(i);
                    out[o + 1] = (byte) icm.getGreen(i);
                    out[o + 2] = (byte) icm.getBlue(i);
                }
            }
            return new RgbImage(w, h, out);
        }
        int colours = cm.getNumColorComponents();
        if (colours != 1 && colours != 3)
            throw new ImageFileException(path, "cannot read " + path + " as RGB: " + colours + " colour components");
        int[] bits = new int[3];
        for (int c = 0; c < 3; c++) bits[c] = cm.getComponentSize(colours == 1 ? 0 : c);
        if (bi.getType() == BufferedImage.TYPE_3BYTE_BGR && r.getDataBuffer() instanceof DataBufferByte db
                && r.getParent() == null && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0) {
            byte[] bgr = db.getData();
            for (int i = 0; i < out.length; i += 3) { out[i] = bgr[i + 2]; out[i + 1] = bgr[i + 1]; out[i + 2] = bgr[i]; }
            return new RgbImage(w, h, out);
        }
        int[] row = new int[w];
        for (int c = 0; c < 3; c++) {
            int band = colours == 1 ? 0 : c;
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, band, row);
                for (int x = 0, o = y * w * 3 + c; x < w; x++, o += 3) out[o] = (byte) to8Bit(row[x], bits[band]);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Reads a label map as one byte per pixel (see the class comment for 16-bit, palette and RGB files). */
    public static GrayImage readGray(Path path) {
        BufferedImage bi = decode(path);
        Raster r = bi.getRaster();
        ColorModel cm = bi.getColorModel();
        int w = bi.getWidth(), h = bi.getHeight();
        byte[] out = new byte[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        if (cm instanceof IndexColorModel) {
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) out[y * w + x] = (byte) row[x];
            }
            return new GrayImage(w, h, out);
        }
        int colours = cm.getNumColorComponents();
        if (colours == 1) {
            int bits = cm.getComponentSize(0);
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = row[x];
                    if (bits > 8) {
                        if (v > 255)
                            throw new ImageFileException(path, "cannot read " + path + " as an 8-bit label map: " + bits
                                    + "-bit value " + v + " at (" + x + ", " + y + ") does not fit one byte");
                    } else if (bits < 8) v = to8Bit(v, bits);
                    out[y * w + x] = (byte) v;
                }
            }
            return new GrayImage(w, h, out);
        }
        if (colours != 3) throw new ImageFileException(path, "cannot read " + path + " as a label map: " + colours + " colour components");
        RgbImage rgb = rgbOf(bi, path);
        byte[] d = rgb.rgb();
        for (int i = 0, o = 0; o < out.length; i += 3, o++) {
            int R = d[i] & 0xFF, G = d[i + 1] & 0xFF, B = d[i + 2] & 0xFF;
            out[o] = (byte) (R == G && G == B ? R : (9798 * R + 19235 * G + 3735 * B + 16384) >> 15);
        }
        return new GrayImage(w, h, out);
    }

    private static int to8Bit(int v, int bits) {
        if (bits == 8) return v;
        if (bits > 8) return v >> (bits - 8);
        return v * 255 / ((1 << bits) - 1);
    }

    private static BufferedImage decode(Path path) {
        if (!Files.exists(path)) throw new ImageFileException(path, "image file not found: " + path);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) throw new ImageFileException(path, "cannot read image file " + path + ": not a readable regular file");
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) throw new ImageFileException(path, "cannot open image file " + path);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new ImageFileException(path, "cannot read " + path + ": not a PNG or JPEG image (no javax.imageio decoder recognises it)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                BufferedImage bi = reader.read(0);
                if (bi == null) throw new ImageFileException(path, "cannot decode " + path);
                return bi;
            } finally {
                reader.dispose();
            }
        } catch (NoSuchFileException e) {
            throw new ImageFileException(path, "image file not found: " + path, e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageFileException ife) throw ife;
            throw new ImageFileException(path, "cannot decode image file " + path + ": " + e.getMessage(), e);
        }
    }

    // ---- writing --------------------------------------------------------------------------------------------

    /** Writes an 8-bit grey PNG (lossless; label and class maps). */
    public static void writePng(GrayImage image, Path path) {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        System.arraycopy(image.data(), 0, dst, 0, dst.length);
        write(bi, "png", -1, path);
    }

    /** Writes an 8-bit RGB PNG (lossless). */
    public static void writePng(RgbImage image, Path path) { write(toBufferedImage(image), "png", -1, path); }

    /** Writes a baseline JPEG with the given quality 0..100 (IJG scaling, as {@code cv2.IMWRITE_JPEG_QUALITY}; OpenCV's default is 95). */
    public static void writeJpeg(RgbImage image, Path path, int quality) {
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality must be 0..100, got " + quality);
        write(toBufferedImage(image), "jpeg", quality, path);
    }

    /** Writes by file extension: {@code .png} lossless, {@code .jpg}/{@code .jpeg} at quality 95 (OpenCV's default). */
    public static void write(RgbImage image, Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) writePng(image, path);
        else if (name.endsWith(".jpg") || name.endsWith(".jpeg")) writeJpeg(image, path, 95);
        else throw new IllegalArgumentException("cannot choose an image format for " + path + ": use .png, .jpg or .jpeg");
    }

    /** The image as a {@code TYPE_3BYTE_BGR} BufferedImage (a copy). */
    public static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] src = image.rgb();
        for (int i = 0; i < src.length; i += 3) { dst[i] = src[i + 2]; dst[i + 1] = src[i + 1]; dst[i + 2] = src[i]; }
        return bi;
    }

    private static void write(BufferedImage bi, String format, int quality, Path path) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) throw new ImageFileException(path, "no javax.imageio writer for " + format);
        ImageWriter writer = writers.next();
        java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
        try {
            try (ImageOutputStream out = ImageIO.createImageOutputStream(encoded)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                if (quality >= 0) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(quality / 100f);
                }
                writer.write(null, new IIOImage(bi, null, null), param);
                out.flush();
            } finally {
                writer.dispose();
            }
            org.magnet4j.tensor.io.AtomicWrite.write(path, encoded.toByteArray());
        } catch (IOException e) {
            throw new ImageFileException(path, "cannot write image file " + path + ": " + e, e);
        }
    }
}
