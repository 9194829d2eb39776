package org.magnet4j.magnet.run;

import java.io.IOException;
import java.nio.file.Path;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;

/** A stage's probability map as class indices at the last scale (bilinear, align_corners=False, arg-max). */
public final class StagePredictions {
    private StagePredictions() {}

    public static GrayImage argmaxAt(Tensor probs, int width, int height) {
        try (var g = GradMode.noGrad()) {
            Tensor p = probs.size(2) == height && probs.size(3) == width ? probs
                    : Sampling.interpolate(probs, height, width, InterpMode.BILINEAR, false);
            long[] idx = p.argmax(1, false).toLongArray();
            byte[] b = new byte[idx.length];
            for (int i = 0; i < idx.length; i++) b[i] = (byte) idx[i];
            return new GrayImage(width, height, b);
        }
    }

    /**
     * The share of pixels where the stage's arg-max at width x height equals a reference map (an H x W uint8 .npy,
     * as reference/pipeline_cityscapes/argmax_*.npy holds each stage's at the last scale).
     */
    public static double agreement(Tensor probs, int width, int height, Path referenceMap) throws IOException {
        byte[] want = (byte[]) Npy.read(referenceMap).data();
        byte[] got = argmaxAt(probs, width, height).data();
        if (want.length != got.length)
            throw new IllegalArgumentException(referenceMap + ": " + want.length + " pixels, the stage's map at " + width + "x" + height + " has " + got.length);
        int same = 0;
        for (int k = 0; k < want.length; k++) if (want[k] == got[k]) same++;
        return same / (double) want.length;
    }
}
