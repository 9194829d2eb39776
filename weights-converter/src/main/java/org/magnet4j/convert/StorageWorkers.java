package org.magnet4j.convert;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs tasks 0 .. n-1 on a few threads, the caller's included, each with its own {@link ScratchBuffer}. Tasks are
 * handed out one at a time, so uneven storages still balance. The first failure stops the others and is rethrown
 * as it was thrown (a parallel stream would re-wrap it), so a damaged file still ends in the caller's own catch.
 */
final class StorageWorkers {
    /** More threads than this only add scratch memory: the copying is bound by memory bandwidth. */
    static final int MAX_THREADS = 4;

    interface Task {
        void run(int index, ScratchBuffer scratch);
    }

    private StorageWorkers() {}

    static void run(int n, int threads, Task task) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            try (ScratchBuffer scratch = new ScratchBuffer()) {
                for (int i; failure.get() == null && (i = next.getAndIncrement()) < n; ) task.run(i, scratch);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        int helpers = Math.max(0, Math.min(threads, n) - 1);
        ForkJoinTask<?>[] started = new ForkJoinTask<?>[helpers];
        for (int k = 0; k < helpers; k++) started[k] = ForkJoinPool.commonPool().submit(worker);
        worker.run();
        for (ForkJoinTask<?> f : started) f.join(); // workers never throw: failures are recorded
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable t -> throw new IllegalStateException(t); // tasks throw no checked exceptions
        }
    }

    /** Threads for a file of this size: one for small files (starting threads costs more than it saves). */
    static int threadsFor(long fileSize) {
        return fileSize < Checkpoints.parallelThreshold ? 1 : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }
}
