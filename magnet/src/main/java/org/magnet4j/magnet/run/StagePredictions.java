package org.magnet4j.magnet.run;

import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

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
}
