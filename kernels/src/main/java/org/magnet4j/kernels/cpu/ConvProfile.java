package org.magnet4j.kernels.cpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.magnet4j.tensor.Conv2dParams;

/**
 * Wall time of the CPU backend's float32 convolutions, grouped by the path each took and its shape, while
 * switched on ({@code bench model --profile}): which layers a forward spends its time in and how close each
 * runs to the machine's peak. Off, it costs one volatile read per convolution.
 */
public final class ConvProfile {
    /** One group: a path and a layer shape, with its calls, total and fastest wall time, and FLOPs per call. */
    public record Entry(String path, String layer, long calls, long totalNanos, long minNanos, long flopsPerCall) {
        /** FLOP/s over all calls; for Winograd paths, the direct convolution's FLOPs (what the layer is worth). */
        public double gflops() { return totalNanos == 0 ? 0 : (double) calls * flopsPerCall / totalNanos; }
    }

    private static volatile boolean on;
    private static final Map<String, long[]> GROUPS = new ConcurrentHashMap<>();

    private ConvProfile() {}

    /** Clears what was recorded and starts recording. */
    public static void start() {
        GROUPS.clear();
        on = true;
    }

    /** Stops recording; the groups, the most time first. */
    public static List<Entry> stop() {
        on = false;
        List<Entry> out = new ArrayList<>();
        GROUPS.forEach((key, v) -> {
            String[] k = key.split("\t", 2);
            synchronized (v) { out.add(new Entry(k[0], k[1], v[0], v[1], v[2], v[3])); }
        });
        out.sort(Comparator.comparingLong(Entry::totalNanos).reversed());
        return out;
    }

    static boolean on() { return on; }

    /** Records one convolution of n images c x h x w -> co channels with a kH x kW kernel that took nanos. */
    static void record(String path, int n, int c, int h, int w, int co, int kH, int kW, Conv2dParams p, long nanos) {
        int oh = p.outH(h, kH), ow = p.outW(w, kW);
        String layer = String.format("%dx%d %d->%d%s at %dx%d", kH, kW, c, co,
                p.strideH() == 1 && p.strideW() == 1 ? "" : " stride " + p.strideH(), h, w) + (n == 1 ? "" : ", batch " + n);
        long flops = 2L * n * co * oh * ow * ((long) c / p.groups()) * kH * kW;
        long[] v = GROUPS.computeIfAbsent(path + "\t" + layer, key -> new long[] {0, 0, Long.MAX_VALUE, flops});
        synchronized (v) {
            v[0]++;
            v[1] += nanos;
            v[2] = Math.min(v[2], nanos);
        }
    }
}
