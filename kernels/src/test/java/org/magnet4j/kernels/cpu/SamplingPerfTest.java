package org.magnet4j.kernels.cpu;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/** Timings at MagNet sizes (after warm-up); run with -Dmagnet.perf=true. Checks nothing. */
@EnabledIfSystemProperty(named = "magnet.perf", matches = "true")
class SamplingPerfTest {
    private static void time(String what, Supplier<Object> body) {
        for (int i = 0; i < 2; i++) body.get();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            body.get();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("PERF %-55s %8.1f ms (threads %d)%n", what, best / 1e6, Parallel.threads());
    }

    @Test
    void magnetSizes() {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor small = Tensor.rand(rng, 1, 19, 512, 256);
        time("interpolate bilinear 19x512x256 -> 2048x1024", () -> Sampling.interpolate(small, 2048, 1024, InterpMode.BILINEAR, false));
        time("interpolate nearest 19x512x256 -> 2048x1024", () -> Sampling.interpolate(small, 2048, 1024, InterpMode.NEAREST, false));
        Tensor big = Tensor.rand(rng, 1, 19, 1024, 2048);
        Tensor box = Tensor.fromArray(new float[] {0, 100.5f, 37.25f, 1124.5f, 549.25f}, 1, 5);
        time("roi_align 19x1024x2048 box 1024x512 -> 128x256", () -> Sampling.roiAlign(big, box, 128, 256, 1.0, -1, false));
        Tensor v = Tensor.rand(rng, 2_097_152);
        time("topk 2M k=32768", () -> v.topk(32768, 0, true));
        time("topk 2M k=2M", () -> v.topk(2_097_152, 0, true));
        time("sort 2M", () -> v.sort(0, true));
        Tensor w25 = Tensor.rand(rng, 200_000, 25);
        time("median 200000 x 25", () -> w25.median(1, false));
        Tensor w256 = Tensor.rand(rng, 20_000, 256);
        time("median 20000 x 256", () -> w256.median(1, false));
    }
}
