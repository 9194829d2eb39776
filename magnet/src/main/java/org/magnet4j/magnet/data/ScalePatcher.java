package org.magnet4j.magnet.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an image into the network inputs of one scale, as the reference's {@code Patching(scale, crop,
 * Resize(scale), Resize(input_size))}: resize the whole image to the scale (INTER_LINEAR), cut each
 * {@link PatchGrid} box (numpy slicing: a box past the border is clipped to the image), resize each crop to the
 * input size (INTER_LINEAR).
 */
public final class ScalePatcher {
    private final int scaleW, scaleH, cropW, cropH, inputW, inputH;
    private final List<PatchBox> boxes;

    public ScalePatcher(int scaleW, int scaleH, int cropW, int cropH, int inputW, int inputH) {
        if (inputW <= 0 || inputH <= 0) throw new IllegalArgumentException("input size must be positive, got " + inputW + "x" + inputH);
        this.scaleW = scaleW;
        this.scaleH = scaleH;
        this.cropW = cropW;
        this.cropH = cropH;
        this.inputW = inputW;
        this.inputH = inputH;
        this.boxes = List.copyOf(PatchGrid.boxes(scaleW, scaleH, cropW, cropH));
    }

    public List<PatchBox> boxes() { return boxes; }

    public int scaleWidth() { return scaleW; }

    public int scaleHeight() { return scaleH; }

    /** The image resized to this scale. */
    public RgbImage scaled(RgbImage image) { return Resize.linear(image, scaleW, scaleH); }

    /** Every patch of the image at this scale, resized to the input size, in grid order. */
    public List<RgbImage> patches(RgbImage image) {
        RgbImage scaled = scaled(image);
        List<RgbImage> out = new ArrayList<>(boxes.size());
        for (PatchBox b : boxes) {
            RgbImage crop = scaled.crop(b.x0(), b.y0(), Math.min(b.x1(), scaleW), Math.min(b.y1(), scaleH));
            out.add(Resize.linear(crop, inputW, inputH));
        }
        return out;
    }
}
