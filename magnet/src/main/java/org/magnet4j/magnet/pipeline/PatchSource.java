package org.magnet4j.magnet.pipeline;

import org.magnet4j.tensor.Tensor;

/** The image prepared for every scale: its patch grid and each patch as a normalised network input. */
public interface PatchSource {
    int patchCount(int scaleIndex);

    /** The patch box as ratios of the scale's size: {x0, y0, x1, y1}. */
    double[] ratioBox(int scaleIndex, int patch);

    /** The patch resized to the input size and normalised: [1, 3, inputHeight, inputWidth] float32. */
    Tensor patch(int scaleIndex, int patch);
}
