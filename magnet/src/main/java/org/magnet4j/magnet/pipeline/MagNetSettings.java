package org.magnet4j.magnet.pipeline;

import java.util.List;

/**
 * The progressive-inference settings of the reference's test.py/demo.py, plus switches that turn its
 * flagged quirks into the corrected behaviour (both off by default, reproducing the published results).
 *
 * @param nPoints        > 1: a pixel count; <= 1: a fraction of the pixels
 * @param nPatches       -1 = all patches; 0 = stop after the coarse stage
 * @param mostUncertainFirst corrected quirk (step 5): keep the most uncertain patches, not the least
 * @param zeroCertaintyOutsideRefined corrected quirk (step 10): zero certainty outside refined interiors
 */
public record MagNetSettings(List<Scale> scales, int cropWidth, int cropHeight, int inputWidth, int inputHeight,
                             double nPoints, int nPatches, int smoothKernel, int subBatchSize,
                             boolean mostUncertainFirst, boolean zeroCertaintyOutsideRefined) {
    public MagNetSettings {
        scales = List.copyOf(scales);
        if (scales.isEmpty()) throw new IllegalArgumentException("no scales given");
        Scale first = scales.get(0);
        if (first.width() > cropWidth || first.height() > cropHeight)
            throw new IllegalArgumentException("the first scale " + first + " must be a single patch: it is larger than the crop size "
                    + cropWidth + "x" + cropHeight + " (the reference expects scale == crop size)");
        if (smoothKernel < 1) throw new IllegalArgumentException("--smooth_kernel must be >= 1, got " + smoothKernel);
        if (subBatchSize < 1) throw new IllegalArgumentException("--sub_batch_size must be >= 1, got " + subBatchSize);
        if (nPatches < -1) throw new IllegalArgumentException("--n_patches must be -1 (all), 0 or a count, got " + nPatches);
        if (!(nPoints > 0)) throw new IllegalArgumentException("--n_points must be positive, got " + nPoints);
    }

    /** Cityscapes, full MagNet (published configuration). */
    public static MagNetSettings cityscapes() {
        return new MagNetSettings(Scale.parseList("256-128,512-256,1024-512,2048-1024"), 256, 128, 256, 128, 32768, -1, 5, 1, false, false);
    }
}
