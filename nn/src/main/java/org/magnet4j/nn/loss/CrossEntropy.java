package org.magnet4j.nn.loss;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * torch.nn.functional.cross_entropy for dense prediction: logits [N,C,H,W] (or [N,C]) and int64 labels
 * [N,H,W] (or [N]), with ignore_index. Computed as log_softmax over dim 1, a gather of the true class and a
 * mask of the non-ignored positions.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** Per-position loss -log p(label), 0 where the label is ignoreIndex; shaped like labels. */
    public static Tensor perPixel(Tensor logits, Tensor labels, long ignoreIndex) {
        check(logits, labels);
        Tensor valid = labels.ne((double) ignoreIndex);
        Tensor safe = Tensor.where(valid, labels, labels.scalarLike(0));
        checkRange(safe, logits.size(1), ignoreIndex);
        Tensor picked = logits.logSoftmax(1).gather(1, safe.unsqueeze(1)).squeeze(1);
        return picked.neg().mul(valid.to(logits.dtype()));
    }

    /** Mean over non-ignored positions (NaN when every position is ignored, as PyTorch), sum, or none. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels, long ignoreIndex, Reduction reduction) {
        Tensor losses = perPixel(logits, labels, ignoreIndex);
        return switch (reduction) {
            case NONE -> losses;
            case SUM -> losses.sum();
            case MEAN -> losses.sum().div((double) countValid(labels, ignoreIndex));
        };
    }

    public static Tensor crossEntropy(Tensor logits, Tensor labels, long ignoreIndex) {
        return crossEntropy(logits, labels, ignoreIndex, Reduction.MEAN);
    }

    static long countValid(Tensor labels, long ignoreIndex) {
        long n = 0;
        for (long v : labels.toLongArray()) if (v != ignoreIndex) n++;
        return n;
    }

    private static void check(Tensor logits, Tensor labels) {
        if (labels.dtype() != DType.INT64) throw new TensorException("cross_entropy: labels must be int64, got " + labels.describe());
        if (!logits.dtype().isFloating()) throw new TensorException("cross_entropy: logits must be floating, got " + logits.describe());
        int[] ls = logits.shape(), ts = labels.shape();
        boolean ok = ls.length == ts.length + 1 && ls.length >= 2 && ls[0] == ts[0];
        for (int i = 2; ok && i < ls.length; i++) ok = ls[i] == ts[i - 1];
        if (!ok) throw new TensorException("cross_entropy: logits " + logits.describe() + " and labels " + labels.describe()
                + " do not match (want logits [N,C,...] and labels [N,...])");
    }

    private static void checkRange(Tensor safeLabels, int classes, long ignoreIndex) {
        for (long v : safeLabels.toLongArray())
            if (v < 0 || v >= classes)
                throw new TensorException("cross_entropy: label " + v + " is outside [0, " + classes + ") and is not the ignore index " + ignoreIndex);
    }
}
