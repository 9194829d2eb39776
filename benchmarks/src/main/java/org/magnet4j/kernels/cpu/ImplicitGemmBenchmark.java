package org.magnet4j.kernels.cpu;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.magnet4j.tensor.Conv2dParams;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HRNet's two 3x3 GEMM shapes as HRNet runs them: M = output channels, K = input channels x 9, N = the 32,768
 * pixels of a 128x256 map, with B read from the zero-padded image (as {@link PaddedConv} lays it out) instead of
 * a stored K x N matrix, and each finished block of C copied to its output pixels. Timed: the GEMM and that copy;
 * not timed: padding the image and allocating the output (the whole op is OpsBenchmark's conv3x3 lines).
 * GFLOP/s = 2*M*N*K / time, N counting output pixels only (not the padding columns the GEMM also computes).
 * Lives in the kernels' package for their package-private GEMM entry point.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ImplicitGemmBenchmark {
    /** "MxNxK" as in GemmBenchmark: the stem's 3x3 64->64 and branch 1's 3x3 18->18 at 128x256. */
    @Param({"64x32768x576", "18x32768x162"})
    public String shape;

    private static final int H = 128, W = 256;
    float[] weights, out;
    PaddedConv image;
    TileSink toOutput;
    int m, k;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[2]);
        int c = k / 9;
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[c * H * W];
        weights = new float[m * k];
        out = new float[m * H * W];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < weights.length; i++) weights[i] = (float) rng.nextGaussian();
        Conv2dParams same = Conv2dParams.of(1, 1, 1, 1);
        image = PaddedConv.of(x, 0, c, H, W, 3, 3, same, new float[PaddedConv.paddedSize(c, H, W, 3, 3, same)]);
        toOutput = image.scatter(out, 0, null);
    }

    @Benchmark
    public float[] implicitGemm() {
        Gemm.sgemm(m, image.columns(), k, weights, 0, k, image, toOutput);
        return out;
    }
}
