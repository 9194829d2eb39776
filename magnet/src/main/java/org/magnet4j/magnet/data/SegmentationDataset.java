package org.magnet4j.magnet.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What MagNet needs to know about a dataset: class names, the drawing palette, the ignore index, how label files
 * encode classes, and which classes the mean IoU averages. Instances come from {@link Datasets}.
 *
 * @param name dataset name (as {@code --dataset})
 * @param classNames one name per class; the class count is its size
 * @param palette one RGB colour per class, for drawing predictions
 * @param ignoreIndex the label value that is not scored (255 for Cityscapes), or -1 for none
 * @param encoding how label files store classes
 * @param idToClass for {@link LabelEncoding#IDS}: 256 entries, label id to class (or the ignore index)
 * @param colorToClass for {@link LabelEncoding#COLORS}: packed {@code 0xRRGGBB} to class
 * @param unmatchedColorClass for {@link LabelEncoding#COLORS}: the class of colours not listed (the reference: 0)
 * @param evalClasses the classes the mean IoU averages (Cityscapes: all 19; DeepGlobe: 1..6)
 */
public record SegmentationDataset(String name, List<String> classNames, int[][] palette, int ignoreIndex,
                                  LabelEncoding encoding, int[] idToClass, Map<Integer, Integer> colorToClass,
                                  int unmatchedColorClass, int[] evalClasses) {
    public SegmentationDataset {
        Objects.requireNonNull(name, "name");
        classNames = List.copyOf(classNames);
        int c = classNames.size();
        if (c == 0 || c > 255) throw new IllegalArgumentException(name + ": class count must be 1..255, got " + c);
        if (palette.length != c) throw new IllegalArgumentException(name + ": " + palette.length + " palette colours for " + c + " classes");
        for (int[] col : palette)
            if (col.length != 3) throw new IllegalArgumentException(name + ": palette colours need 3 components");
        palette = Arrays.stream(palette).map(int[]::clone).toArray(int[][]::new);
        if (ignoreIndex != -1 && (ignoreIndex < c || ignoreIndex > 255))
            throw new IllegalArgumentException(name + ": ignore index must be -1 (none) or " + c + "..255, got " + ignoreIndex);
        Objects.requireNonNull(encoding, "encoding");
        if (encoding == LabelEncoding.IDS) {
            if (idToClass == null || idToClass.length != 256) throw new IllegalArgumentException(name + ": id encoding needs a 256-entry id table");
            idToClass = idToClass.clone();
            for (int v : idToClass)
                if (!(v >= 0 && v < c) && v != ignoreIndex) throw new IllegalArgumentException(name + ": id table maps to " + v + ", not a class or the ignore index");
            colorToClass = Map.of();
        } else {
            if (colorToClass == null || colorToClass.isEmpty()) throw new IllegalArgumentException(name + ": colour encoding needs class colours");
            colorToClass = Map.copyOf(colorToClass);
            for (int v : colorToClass.values())
                if (!(v >= 0 && v < c) && v != ignoreIndex) throw new IllegalArgumentException(name + ": colour table maps to " + v + ", not a class or the ignore index");
            if (!(unmatchedColorClass >= 0 && unmatchedColorClass < c) && unmatchedColorClass != ignoreIndex)
                throw new IllegalArgumentException(name + ": unmatched colours map to " + unmatchedColorClass + ", not a class or the ignore index");
            idToClass = null;
        }
        evalClasses = evalClasses.clone();
        for (int k : evalClasses)
            if (k < 0 || k >= c) throw new IllegalArgumentException(name + ": evaluation class " + k + " out of 0.." + (c - 1));
    }

    public int numClasses() { return classNames.size(); }

    public boolean hasIgnore() { return ignoreIndex >= 0; }

    /** RGB colour of a class (a copy). */
    public int[] color(int cls) { return palette[cls].clone(); }

    @Override public int[][] palette() { return Arrays.stream(palette).map(int[]::clone).toArray(int[][]::new); }

    @Override public int[] evalClasses() { return evalClasses.clone(); }

    @Override public int[] idToClass() { return idToClass == null ? null : idToClass.clone(); }

    /** Reads a label file and maps it to classes (one byte per pixel: a class or the ignore index). */
    public GrayImage readLabel(Path file) {
        return encoding == LabelEncoding.IDS ? mapIds(ImageIo.readGray(file)) : mapColors(ImageIo.readRgb(file));
    }

    /** Label ids to classes through the id table. */
    public GrayImage mapIds(GrayImage ids) {
        if (encoding != LabelEncoding.IDS) throw new IllegalStateException(name + " labels are colours, not ids");
        byte[] in = ids.data(), out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (byte) idToClass[in[i] & 0xFF];
        return new GrayImage(ids.width(), ids.height(), out);
    }

    /** Label colours to classes (exact matches; other colours give {@link #unmatchedColorClass}). */
    public GrayImage mapColors(RgbImage colors) {
        if (encoding != LabelEncoding.COLORS) throw new IllegalStateException(name + " labels are ids, not colours");
        byte[] in = colors.rgb();
        byte[] out = new byte[colors.width() * colors.height()];
        int lastKey = -1, lastCls = 0;
        for (int i = 0, p = 0; p < out.length; i += 3, p++) {
            int key = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF);
            if (key != lastKey) {
                Integer c = colorToClass.get(key);
                lastCls = c == null ? unmatchedColorClass : c;
                lastKey = key;
            }
            out[p] = (byte) lastCls;
        }
        return new GrayImage(colors.width(), colors.height(), out);
    }

    /** Classes to palette colours, as the reference's {@code class2bgr}: values that are not a class (the ignore index) are black. */
    public RgbImage colorize(GrayImage classes) { return Visualize.colorize(classes, palette); }
}
