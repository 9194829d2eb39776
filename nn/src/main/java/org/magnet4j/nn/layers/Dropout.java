package org.magnet4j.nn.layers;

import java.util.SplittableRandom;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.functional.Dropouts;
import org.magnet4j.tensor.Tensor;

/**
 * torch.nn.Dropout: in training, zeroes each element with probability p and scales the rest by 1/(1-p);
 * in eval, the identity. The mask generator is split from {@link Init} when the layer is built, so a model
 * built after {@link Init#manualSeed} draws the same masks on every run.
 */
public class Dropout extends Module {
    public final double p;
    private final SplittableRandom rng;

    public Dropout(double p) {
        Dropouts.checkP(p);
        this.p = p;
        this.rng = Init.split();
    }

    public Dropout() { this(0.5); }

    @Override public Tensor forward(Tensor x) { return Dropouts.dropout(x, p, isTraining(), rng); }
}
