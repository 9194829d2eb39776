package org.magnet4j.kernels.cpu;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.bench.GemmOperands;
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
 * What bounds GemmBenchmark's products with a stored B at HRNet's 3x3 shapes: the product's work in parts, timed
 * apart on the same pool threads.
 * <ul>
 *   <li>{@link #readB}: every float of B loaded once, each thread summing its contiguous share front to back
 *       (the fastest order measured): the memory floor.</li>
 *   <li>{@link #packB}: B packed into the panels the product packs (same width, same K slices) and nothing else.</li>
 *   <li>{@link #multiplyPacked}: the product itself with packing switched off ({@link Gemm#packB}), so every task
 *       multiplies the panel its thread holds, hot in L2: the FMAs, A's loads and C's stores without B's traffic.</li>
 * </ul>
 * readB + multiplyPacked is the fastest the product can be when loading B does not overlap the FMAs, which Java
 * cannot arrange: it has no prefetch instruction, and a load that misses holds up retirement. Lives in the
 * kernels' package for the package-private packing and switch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class StoredBBoundsBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** "MxNxK" as in GemmBenchmark. */
    @Param({"64x32768x576", "18x32768x162"})
    public String shape;

    GemmOperands x;
    /** Per-thread panel, as large as the product's whole-depth panel. */
    private final ThreadLocal<float[]> panel = ThreadLocal.withInitial(() -> new float[x.k() * Gemm.WIDE_NC]);
    private final ThreadLocal<float[]> row = ThreadLocal.withInitial(() -> new float[Gemm.WIDE_NC]);

    @Setup
    public void setup() {
        x = GemmOperands.of(shape);
        if (x.n() % Gemm.WIDE_NC != 0 || x.n() < 4 * Gemm.WIDE_NC)
            throw new IllegalArgumentException("N must be a multiple of " + Gemm.WIDE_NC + ", at least " + 4 * Gemm.WIDE_NC);
    }

    @Benchmark
    public float readB() {
        float[] b = x.b();
        int parts = Parallel.threads(), share = b.length / parts;
        float[] sums = new float[parts];
        Parallel.forRange(parts, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) sums[t] = sum(b, t * share, t == parts - 1 ? b.length : (t + 1) * share);
        });
        float total = 0;
        for (float s : sums) total += s;
        return total;
    }

    /** Four independent sums so that the adds never wait on each other: the loads set the pace. */
    private static float sum(float[] v, int from, int to) {
        int vl = S.length(), i = from;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (; i + 4 * vl <= to; i += 4 * vl) {
            s0 = s0.add(FloatVector.fromArray(S, v, i));
            s1 = s1.add(FloatVector.fromArray(S, v, i + vl));
            s2 = s2.add(FloatVector.fromArray(S, v, i + 2 * vl));
            s3 = s3.add(FloatVector.fromArray(S, v, i + 3 * vl));
        }
        float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += v[i];
        return s;
    }

    @Benchmark
    public float[] packB() {
        int nc = Gemm.WIDE_NC;
        PanelSource src = new PanelSource.Matrix(x.b(), 0, x.n());
        Parallel.forRange(x.n() / nc, 1, (lo, hi) -> {
            float[] dst = panel.get(), rowBuf = row.get();
            for (int t = lo; t < hi; t++) StripPacking.packPanel(src, x.k(), t * nc, nc, dst, rowBuf);
        });
        return panel.get();
    }

    @Benchmark
    public float[] multiplyPacked() {
        Gemm.packB = false;
        try {
            Gemm.sgemm(x.m(), x.n(), x.k(), x.a(), 0, x.k(), x.b(), 0, x.n(), x.c(), 0, x.n(), false);
        } finally {
            Gemm.packB = true;
        }
        return x.c();
    }
}
