package org.magnet4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole ops through the Tensor API at the sizes MagNet uses: convolutions on a 256x128 HRNet patch (the
 * 3x3 ones are the GEMM shapes 64x32768x576 and 18x32768x162 of GemmBenchmark, run as implicit GEMM),
 * bilinear upsampling of a 19-class probability map, softmax over classes, top-k over all pixels, the top 2
 * classes at every pixel.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpsBenchmark {
    Tensor stem, w3x3, w1x1, branch1, w3x3Branch1, ocrIn, w3x3Ocr, probs, probsFull, flat;
    GradMode.Scope noGrad;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(3);
        stem = Tensor.randn(rng, 1, 64, 128, 256);
        w3x3 = Tensor.randn(rng, 64, 64, 3, 3);
        w1x1 = Tensor.randn(rng, 64, 64, 1, 1);
        branch1 = Tensor.randn(rng, 1, 18, 128, 256);
        w3x3Branch1 = Tensor.randn(rng, 18, 18, 3, 3);
        ocrIn = Tensor.randn(rng, 1, 270, 128, 256);
        w3x3Ocr = Tensor.randn(rng, 512, 270, 3, 3).mul(0.02);
        probs = Tensor.rand(rng, 1, 19, 256, 512);
        probsFull = Tensor.rand(rng, 1, 19, 1024, 2048);
        flat = Tensor.rand(rng, 2048 * 1024);
        noGrad = GradMode.noGrad();
    }

    /**
     * The previous convolution's output, released before the next one as a model's forward releases a consumed
     * activation (Tensor.release): steady-state inference reuses output buffers instead of zeroing fresh ones.
     */
    Tensor lastConv;

    private Tensor recycled(Tensor out) {
        if (lastConv != null) lastConv.release();
        return lastConv = out;
    }

    /** 2*64*64*9*32768 = 2.42 GFLOP. */
    @Benchmark public Tensor conv3x3() { return recycled(stem.conv2d(w3x3, null, Conv2dParams.of(1, 1, 1, 1))); }

    /** HRNet-W18's branch-1 3x3 18->18 (GEMM 18x32768x162): 2*18*162*32768 = 0.191 GFLOP. */
    @Benchmark public Tensor conv3x3Branch1() { return recycled(branch1.conv2d(w3x3Branch1, null, Conv2dParams.of(1, 1, 1, 1))); }

    /**
     * HRNet-OCR's 3x3 270 -> 512 at 128x256, which runs as Winograd F(4x4, 3x3): 81.5 GFLOP counted as the direct
     * GEMM would do them (2*512*2430*32768), 20.4 GFLOP actually multiplied (36 GEMMs over 2048 tiles).
     */
    @Benchmark public Tensor conv3x3Ocr() { return recycled(ocrIn.conv2d(w3x3Ocr, null, Conv2dParams.of(1, 1, 1, 1))); }

    /** 2*64*64*32768 = 0.27 GFLOP. */
    @Benchmark public Tensor conv1x1() { return recycled(stem.conv2d(w1x1, null, Conv2dParams.of(1, 0, 1, 1))); }

    /** 19x256x512 -> 19x1024x2048: writes 160 MB. */
    @Benchmark public Tensor bilinearUpsample() { return Sampling.interpolate(probs, 1024, 2048, InterpMode.BILINEAR, false); }

    /** Over 19 classes of a 256x512 map: reads and writes 10 MB. */
    @Benchmark public Tensor softmax() { return probs.softmax(1); }

    /** MagNet's point selection: 32768 of 2,097,152. */
    @Benchmark public Tensor topk() { return flat.topk(32768, 0, true)[1]; }

    /** MagNet's certainty (top 2 of the classes at every pixel) on a full Cityscapes map: reads 160 MB. */
    @Benchmark public Tensor topkClasses() { return probsFull.topk(2, 1, true)[0]; }
}
