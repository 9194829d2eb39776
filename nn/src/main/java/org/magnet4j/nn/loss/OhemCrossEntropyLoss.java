package org.magnet4j.nn.loss;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * Online hard example mining cross entropy, as MagNet's OhemCrossEntropy (magnet/utils/loss.py, from
 * HRNet-OCR). Step by step, like the reference:
 * <ol>
 * <li>logits not at the label size are resized bilinearly (align_corners false);</li>
 * <li>pixel losses = cross entropy with reduction none and ignore_index;</li>
 * <li>p = softmax probability of the true class (label 0 standing in for ignored pixels), kept at the
 *     non-ignored pixels and sorted ascending (stable);</li>
 * <li>threshold = max(p_sorted[min(minKept, n - 1)], thresh), compared in float32 like the reference;</li>
 * <li>the loss is the mean of the pixel losses whose p is strictly below the threshold.</li>
 * </ol>
 * minKept is clamped to at least 1, as the reference's max(1, min_kept). With no valid pixel the reference
 * fails indexing an empty tensor; here the result is NaN, the mean of nothing.
 */
public class OhemCrossEntropyLoss extends Module {
    public final long ignoreIndex;
    public final double thresh;
    public final int minKept;

    public OhemCrossEntropyLoss(long ignoreIndex, double thresh, int minKept) {
        this.ignoreIndex = ignoreIndex;
        this.thresh = thresh;
        this.minKept = Math.max(1, minKept);
    }

    public Tensor forward(Tensor score, Tensor target) {
        int h = target.size(1), w = target.size(2);
        if (score.size(2) != h || score.size(3) != w) score = Sampling.interpolate(score, h, w, InterpMode.BILINEAR, false);
        Tensor pixelLosses = CrossEntropy.perPixel(score, target, ignoreIndex).reshape(-1);
        Tensor flatTarget = target.reshape(-1);
        Tensor mask = flatTarget.ne((double) ignoreIndex);
        int n = (int) CrossEntropy.countValid(target, ignoreIndex);
        if (n == 0) return pixelLosses.sum().mul(Double.NaN);

        Tensor sorted, order, keep;
        try (var g = GradMode.noGrad()) {
            Tensor tmpTarget = Tensor.where(target.eq((double) ignoreIndex), target.scalarLike(0), target);
            Tensor pred = score.detach().softmax(1).gather(1, tmpTarget.unsqueeze(1)).reshape(-1).maskedSelect(mask);
            Tensor[] s = pred.sort(0, false);
            sorted = s[0];
            order = s[1];
            float minValue = (float) sorted.get(Math.min(minKept, n - 1));
            float threshold = Math.max(minValue, (float) thresh);
            keep = sorted.lt(threshold);
        }
        return pixelLosses.maskedSelect(mask).indexSelect(0, order).maskedSelect(keep).mean();
    }
}
