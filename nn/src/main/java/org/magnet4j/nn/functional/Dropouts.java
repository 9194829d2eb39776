package org.magnet4j.nn.functional;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/** torch.nn.functional.dropout and dropout2d with an explicit generator. */
public final class Dropouts {
    private Dropouts() {}

    public static void checkP(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, got " + p);
    }

    /** Zeroes each element with probability p and scales the kept ones by 1/(1-p); identity when not training. */
    public static Tensor dropout(Tensor x, double p, boolean training, SplittableRandom rng) {
        checkP(p);
        if (!training || p == 0) return x;
        return x.mul(keepMask(x, p, rng, x.shape()));
    }

    /** Zeroes whole channels (dim 1) of [N,C,H,W] with probability p, scaling the rest by 1/(1-p). */
    public static Tensor dropout2d(Tensor x, double p, boolean training, SplittableRandom rng) {
        checkP(p);
        if (x.dim() != 4) throw new TensorException("dropout2d: input must be [N,C,H,W], got " + x.describe());
        if (!training || p == 0) return x;
        int[] maskShape = new int[x.dim()];
        Arrays.fill(maskShape, 1);
        maskShape[0] = x.size(0);
        maskShape[1] = x.size(1);
        return x.mul(keepMask(x, p, rng, maskShape));
    }

    /** 1/(1-p) where a uniform draw is below 1-p, else 0, in x's dtype. */
    private static Tensor keepMask(Tensor x, double p, SplittableRandom rng, int[] shape) {
        if (p == 1) return Tensor.zeros(x.dtype(), shape);
        return Tensor.rand(rng, shape).lt(1 - p).to(x.dtype()).mul(1.0 / (1 - p));
    }
}
