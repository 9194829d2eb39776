package org.magnet4j.kernels.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * float32 buffers given back by released tensors, kept for the next output of the same length. A forward
 * pass asks for the same few sizes again and again (a branch's activations), so reusing them saves zeroing
 * fresh arrays and keeps the young generation from filling with dead activations (copied at every young
 * collection while a forward still holds them). Bounded: buffers beyond {@link #capacityBytes} are left to
 * the collector. Small arrays are not worth pooling (TLAB allocation is cheaper than a lock).
 */
final class FloatArrayPool {
    /** Below this many floats (256 KB) a fresh array costs less than the pool's bookkeeping. */
    static final int MIN_LENGTH = 1 << 16;

    private final long capacityBytes;
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long pooledBytes;

    FloatArrayPool(long capacityBytes) { this.capacityBytes = capacityBytes; }

    /** -Dmagnet.poolMB (0 turns reuse off), by default an eighth of the maximum heap, at most 1 GB. */
    static FloatArrayPool forThisHeap() {
        long mb = Long.getLong("magnet.poolMB", -1);
        return new FloatArrayPool(mb >= 0 ? mb << 20 : Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8));
    }

    /** A buffer of exactly n floats with stale contents, or null when none is pooled. */
    synchronized float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.pollLast(); // the most recently released: likeliest still in cache
        if (a != null) pooledBytes -= 4L * n;
        return a;
    }

    /** Keeps a for a later {@link #take} of its length, unless that would pass the capacity. */
    synchronized void give(float[] a) {
        if (a.length < MIN_LENGTH || pooledBytes + 4L * a.length > capacityBytes) return;
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
        pooledBytes += 4L * a.length;
    }

    synchronized long pooledBytes() { return pooledBytes; }
}
