package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The shared team of threads: every index runs exactly once, chunks have fixed bounds whoever runs them,
 * nested and concurrent calls complete (serially when the team is busy), a failing chunk's exception
 * reaches the caller while the team stays usable, and idle workers hold on to nothing a finished job captured.
 */
class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnceInFixedChunks() {
        for (int n : new int[] {1, 7, 100, 4097, 100_000})
            for (int grain : new int[] {1, 3, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                int chunks = Math.min(Parallel.threads() * 4, Math.max(1, n / grain)), size = (n + chunks - 1) / chunks;
                Parallel.forRange(n, grain, (lo, hi) -> {
                    if (chunks > 1 && (lo % size != 0 || hi != Math.min(n, lo + size)))
                        throw new AssertionError("chunk [" + lo + ", " + hi + ") of size " + size);
                    for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " index " + i);
            }
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < 4; c++)
                sums.add(callers.submit(() -> {
                    long total = 0;
                    for (int rep = 0; rep < 200; rep++) {
                        AtomicIntegerArray cells = new AtomicIntegerArray(64 * 64);
                        Parallel.forRange(64, 1, (lo, hi) -> {
                            for (int r = lo; r < hi; r++) {
                                int row = r;
                                Parallel.forRange(64, 1, (a, b) -> { // nested: serial inside the outer chunk
                                    for (int j = a; j < b; j++) cells.incrementAndGet(row * 64 + j);
                                });
                            }
                        });
                        for (int i = 0; i < cells.length(); i++) total += cells.get(i);
                    }
                    return total;
                }));
            for (Future<Long> f : sums) assertEquals(200L * 64 * 64, f.get());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void anIdleTeamKeepsNothingOfAFinishedJobReachable() throws InterruptedException {
        java.lang.ref.WeakReference<float[]> ref = runJobCapturing(new float[1 << 20]);
        for (int attempt = 0; attempt < 40 && ref.get() != null; attempt++) { // a worker may still be leaving the job
            System.gc();
            Thread.sleep(50);
        }
        org.junit.jupiter.api.Assertions.assertTrue(ref.get() == null, "a finished job's captured array is still reachable");
    }

    /** Runs a job whose body captures big; returns a weak reference to it (no strong one is left here). */
    private static java.lang.ref.WeakReference<float[]> runJobCapturing(float[] big) {
        Parallel.forRange(64, 1, (lo, hi) -> { // slow chunks: every worker gets to run some of them
            big[lo] = hi;
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        });
        return new java.lang.ref.WeakReference<>(big);
    }

    @Test
    void aChunksExceptionReachesTheCallerAndTheTeamCarriesOn() {
        IllegalStateException boom = new IllegalStateException("chunk failed");
        IllegalStateException got = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (lo, hi) -> {
            if (lo <= 500 && 500 < hi) throw boom;
        }));
        assertSame(boom, got);
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        Parallel.forRange(1000, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i));
    }
}
