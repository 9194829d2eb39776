package org.magnet4j.kernels.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * float32 buffers given back by released tensors, kept for the next output of the same length. A forward
 * pass asks for the same few sizes again and again (a branch's activations), so reusing them saves zeroing
 * fresh arrays and keeps the young generation from filling with dead activations (copied at every young
 * collection while a forward still holds them). Bounded by {@link #capacityBytes}: the oldest buffers are left to
 * the collector first. Small arrays are not worth pooling (TLAB allocation is cheaper than a lock).
 */
final class FloatArrayPool {
    /** Below this many floats (256 KB) a fresh array costs less than the pool's bookkeeping. */
    static final int MIN_LENGTH = 1 << 16;

    private final long capacityBytes;
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Every pooled buffer, oldest given first. */
    private final ArrayDeque<float[]> byAge = new ArrayDeque<>();
    private long pooledBytes;

    FloatArrayPool(long capacityBytes) { this.capacityBytes = capacityBytes; }

    /**
     * -Dmagnet.poolMB (0 turns reuse off), by default a third of the maximum heap, at most 2 GB. An HRNet-W18+OCR
     * forward on a 256x128 patch cycles about 0.9 GB of distinct buffers (its stem and OCR run at full
     * resolution): with an eighth of the 3 GB inference heap the pool dropped buffers the next forward wanted, and
     * a forward allocated 350 MB afresh; with a third, about 60 MB, and 24 MB once matrix products and softmax took
     * their outputs from the pool too (2026-12-01). An output allocated afresh and then released joins the pool while
     * an older pooled buffer is dropped: a churn that the young collections paid for by copying (HRNet-W18+OCR's
     * steady-state pauses were 0.6-0.9 s every ten forwards, 50 ms since).
     */
    static FloatArrayPool forThisHeap() {
        long mb = Long.getLong("magnet.poolMB", -1);
        return new FloatArrayPool(mb >= 0 ? mb << 20 : Math.min(2L << 30, Runtime.getRuntime().maxMemory() / 3));
    }

    /** A buffer of exactly n floats with stale contents, or null when none is pooled. */
    synchronized float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.pollLast(); // the most recently released: likeliest still in cache
        if (a != null) {
            pooledBytes -= 4L * n;
            byAge.removeLastOccurrence(a); // arrays compare by identity; a recent buffer sits near the tail
        }
        return a;
    }

    /**
     * Keeps a for a later {@link #take} of its length. Over capacity, the buffers given longest ago go to the
     * collector first: sizes the work has moved on from (an earlier pipeline stage's) make room for current ones.
     */
    synchronized void give(float[] a) {
        if (a.length < MIN_LENGTH || 4L * a.length > capacityBytes) return;
        while (pooledBytes + 4L * a.length > capacityBytes) {
            float[] old = byAge.pollFirst();
            free.get(old.length).removeFirstOccurrence(old); // the oldest of its length too
            pooledBytes -= 4L * old.length;
        }
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
        byAge.addLast(a);
        pooledBytes += 4L * a.length;
    }

    synchronized long pooledBytes() { return pooledBytes; }
}
