package org.magnet4j.nn.loss;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/** torch.nn.CrossEntropyLoss(ignore_index, reduction) over [N,C,H,W] logits and [N,H,W] int64 labels. */
public class CrossEntropyLoss extends Module {
    public final long ignoreIndex;
    public final Reduction reduction;

    public CrossEntropyLoss(long ignoreIndex, Reduction reduction) {
        this.ignoreIndex = ignoreIndex;
        this.reduction = reduction;
    }

    public CrossEntropyLoss(long ignoreIndex) { this(ignoreIndex, Reduction.MEAN); }

    public Tensor forward(Tensor logits, Tensor labels) {
        return CrossEntropy.crossEntropy(logits, labels, ignoreIndex, reduction);
    }
}
