package org.magnet4j.nn.layers;

import java.util.SplittableRandom;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.functional.Dropouts;
import org.magnet4j.tensor.Tensor;

/**
 * torch.nn.Dropout2d: in training, zeroes whole channels of [N,C,H,W] with probability p and scales the rest
 * by 1/(1-p); in eval, the identity. Seeded from {@link Init} like {@link Dropout}.
 */
public class Dropout2d extends Module {
    public final double p;
    private final SplittableRandom rng;

    public Dropout2d(double p) {
        Dropouts.checkP(p);
        this.p = p;
        this.rng = Init.split();
    }

    public Dropout2d() { this(0.5); }

    @Override public Tensor forward(Tensor x) { return Dropouts.dropout2d(x, p, isTraining(), rng); }
}
