package org.magnet4j.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.kernels.cpu.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's practical fp32 peak: 12 independent FMA chains of the preferred vector width on every
 * thread of the kernel pool, no memory traffic. FLOP per op = threads * ITER * 12 * lanes * 2; the GEMM
 * efficiency in BENCHMARKS.md is GEMM GFLOP/s over this figure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PeakFlopsBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int ITER = 1 << 20;

    @Benchmark
    public float fmaChains() {
        float[] sink = new float[Parallel.threads()];
        Parallel.forRange(Parallel.threads(), 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) sink[t] = chains(t);
        });
        return sink[0];
    }

    private static float chains(int seed) {
        FloatVector a = FloatVector.broadcast(S, 1.0000001f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 0.5f + seed), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < ITER; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Lanes of the preferred species, for the FLOP count. */
    public static int lanes() { return S.length(); }
}
