package org.magnet4j.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-kernel GPU time from CUDA events recorded around each launch (-Dmagnet.cuda.profile=true), plus host-side
 * launch overhead. {@link #summary} synchronizes and sums by kernel name.
 */
public final class CudaProfiler {
    private final CudaContext ctx;
    private final List<Object[]> pending = new ArrayList<>(); // {name, start, end}
    private final Map<String, double[]> totals = new TreeMap<>(); // name -> {count, gpu ms, host ns}
    private MemorySegment open;

    CudaProfiler(CudaContext ctx) { this.ctx = ctx; }

    synchronized void begin(String name) {
        open = ctx.driver.eventCreate();
        ctx.driver.eventRecord(open, ctx.stream);
    }

    synchronized void end(String name, long t0) {
        MemorySegment e = ctx.driver.eventCreate();
        ctx.driver.eventRecord(e, ctx.stream);
        pending.add(new Object[] {name, open, e});
        totals.computeIfAbsent(name, k -> new double[3])[2] += System.nanoTime() - t0;
        if (pending.size() > 4096) drain();
    }

    private void drain() {
        ctx.synchronize();
        for (Object[] p : pending) {
            MemorySegment a = (MemorySegment) p[1], b = (MemorySegment) p[2];
            double[] t = totals.computeIfAbsent((String) p[0], k -> new double[3]);
            t[0]++;
            t[1] += ctx.driver.eventElapsedMs(a, b);
            ctx.driver.eventDestroy(a);
            ctx.driver.eventDestroy(b);
        }
        pending.clear();
    }

    /** "kernel  count  gpu ms  host us/launch" lines, most GPU time first. */
    public synchronized String summary() {
        drain();
        StringBuilder sb = new StringBuilder(String.format("%-32s %8s %10s %12s%n", "kernel", "count", "gpu ms", "host us/call"));
        totals.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1])).forEach(e -> {
            double[] t = e.getValue();
            sb.append(String.format("%-32s %8d %10.3f %12.1f%n", e.getKey(), (long) t[0], t[1], t[0] == 0 ? 0 : t[2] / t[0] / 1e3));
        });
        return sb.toString();
    }

    /** Forgets what was recorded so far (e.g. a warm-up's one-time work). */
    public synchronized void reset() {
        drain();
        totals.clear();
    }
}
