package org.magnet4j.magnet.models;

import org.magnet4j.nn.Module;

/**
 * Inference-mode batch-norm folding over a whole model: every batch norm that directly follows a
 * convolution is merged into it while the model is in eval mode (train mode always runs them apart).
 * The state dict is untouched: the folded weights are a cache, recomputed when the weights change.
 * Batch norms without a preceding convolution (the refinement module's {@code bn0}) stay as they are.
 */
public final class BnFolding {
    private BnFolding() {}

    /** Turns folding on or off in every module of the tree; returns the number of conv + BN pairs affected. */
    public static int setEnabled(Module root, boolean on) {
        int n = 0;
        if (root instanceof FoldableModule f)
            for (ConvBn p : f.convBnPairs()) {
                p.setFolding(on);
                n++;
            }
        for (Module c : root.children().values()) n += setEnabled(c, on);
        return n;
    }

    /** Folds the model for inference: eval mode plus folding. */
    public static <M extends Module> M foldForInference(M model) {
        model.eval();
        setEnabled(model, true);
        return model;
    }
}
