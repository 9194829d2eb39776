package org.magnet4j.nn;

import java.util.SplittableRandom;
import org.magnet4j.tensor.Tensor;

/** Parameter initialisation with one seedable generator, so a seeded run is reproducible. */
public final class Init {
    private static SplittableRandom rng = new SplittableRandom(0);

    private Init() {}

    public static synchronized void manualSeed(long seed) { rng = new SplittableRandom(seed); }

    /** Uniform in [-bound, bound): PyTorch's default for conv weights and biases uses bound = 1/sqrt(fan_in). */
    public static synchronized Tensor uniform(double bound, int... shape) {
        return Tensor.rand(rng, shape).mul(2 * bound).sub(bound);
    }

    public static synchronized SplittableRandom split() { return rng.split(); }
}
