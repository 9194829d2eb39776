package org.magnet4j.magnet.train;

import java.util.List;
import java.util.SplittableRandom;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.Resize;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.pipeline.Scale;

/**
 * One training sample of train.py: the whole image resized to the input size (coarse), a crop of crop size cut at
 * a uniform position from the image resized to a fine scale drawn uniformly from scales[1:], resized to the input
 * size (fine), its label cut and resized likewise with nearest neighbour, and the crop's box in coarse-image
 * pixels {x0, y0, x1, y1}.
 */
public record TrainingSample(RgbImage coarse, RgbImage fine, GrayImage label, float[] box, int scaleIndex) {

    /**
     * Draws a sample. The random draws, in order: the fine scale ({@code randint(1, len(scales))}), then the crop's
     * x and y ({@code randint(0, scale - crop)}, exclusive upper bound; 0 when the crop fills the scale).
     */
    public static TrainingSample draw(RgbImage image, GrayImage label, List<Scale> scales, int cropW, int cropH, int inputW,
                                      int inputH, SplittableRandom rng) {
        if (image.width() != label.width() || image.height() != label.height())
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height() + " but its label is " + label.width() + "x" + label.height());
        int s = 1 + rng.nextInt(scales.size() - 1);
        Scale sc = scales.get(s);
        if (sc.width() < cropW || sc.height() < cropH)
            throw new IllegalArgumentException("scale " + sc + " is smaller than the crop size " + cropW + "x" + cropH);
        int x = sc.width() == cropW ? 0 : rng.nextInt(sc.width() - cropW);
        int y = sc.height() == cropH ? 0 : rng.nextInt(sc.height() - cropH);
        RgbImage coarse = Resize.linear(image, inputW, inputH);
        RgbImage scaled = Resize.linear(image, sc.width(), sc.height());
        GrayImage scaledLabel = Resize.nearest(label, sc.width(), sc.height());
        RgbImage fine = scaled.crop(x, y, x + cropW, y + cropH);
        GrayImage fineLabel = scaledLabel.crop(x, y, x + cropW, y + cropH);
        if (cropW != inputW || cropH != inputH) {
            fine = Resize.linear(fine, inputW, inputH);
            fineLabel = Resize.nearest(fineLabel, inputW, inputH);
        }
        float[] box = {
            (float) ((double) x / sc.width() * inputW), (float) ((double) y / sc.height() * inputH),
            (float) ((double) (x + cropW) / sc.width() * inputW), (float) ((double) (y + cropH) / sc.height() * inputH)};
        return new TrainingSample(coarse, fine, fineLabel, box, s);
    }
}
