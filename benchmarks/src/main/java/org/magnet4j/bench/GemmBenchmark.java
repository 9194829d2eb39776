package org.magnet4j.bench;

import java.util.concurrent.TimeUnit;
import org.magnet4j.kernels.cpu.Gemm;
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
 * SGEMM at 1024^3 and at the shapes HRNet-W18+OCR runs on a 256x128 patch (M = out channels,
 * N = output pixels, K = in channels x kernel area). GFLOP/s = 2*M*N*K / (time per op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /** "MxNxK": 1024 cube; stem 3x3 64->64 at 128x256; OCR 3x3 270->512; branch-1 3x3 18->18; 1x1 512->256. */
    @Param({"1024x1024x1024", "64x32768x576", "512x32768x2430", "18x32768x162", "256x32768x512"})
    public String shape;

    GemmOperands x;

    @Setup
    public void setup() {
        x = GemmOperands.of(shape);
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(x.m(), x.n(), x.k(), x.a(), 0, x.k(), x.b(), 0, x.n(), x.c(), 0, x.n(), false);
        return x.c();
    }
}
