package org.magnet4j.kernels.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * One shared pool for every CPU kernel. Size: -Dmagnet.threads, else $MAGNET_THREADS, else all cores.
 * Work is split into contiguous index ranges of at least {@code grain} items.
 */
public final class Parallel {
    private static final int THREADS = threadCount();
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    private Parallel() {}

    private static int threadCount() {
        String p = System.getProperty("magnet.threads", System.getenv("MAGNET_THREADS"));
        if (p != null && !p.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(p.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int threads() { return THREADS; }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Runs body over [0, n) in parallel chunks of at least grain items; serial when small. */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS * 4, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || THREADS == 1 || inWorker()) { // nested calls run serially inside their task
            body.run(0, n);
            return;
        }
        POOL.invoke(new Chunk(body, 0, n, (n + chunks - 1) / chunks));
    }

    @FunctionalInterface
    public interface RowBody {
        void run(int row, int from, int to);
    }

    /**
     * Runs body over the elements of rows x inner (row-major) in parallel chunks of about grain elements,
     * as pieces [from, to) of single rows: many short rows and one long row both split evenly.
     */
    public static void forRows(int rows, int inner, int grain, RowBody body) {
        if (rows <= 0 || inner <= 0) return;
        forRange(Math.multiplyExact(rows, inner), grain, (lo, hi) -> {
            int r = lo / inner, from = lo % inner;
            for (int pos = lo; pos < hi; r++, from = 0) {
                int to = Math.min(inner, from + hi - pos);
                body.run(r, from, to);
                pos += to - from;
            }
        });
    }

    private static boolean inWorker() { return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL; }

    private static final class Chunk extends RecursiveAction {
        final RangeBody body;
        final int from, to, size;

        Chunk(RangeBody body, int from, int to, int size) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.size = size;
        }

        @Override protected void compute() {
            if (to - from <= size) {
                body.run(from, to);
                return;
            }
            int mid = from + ((to - from) / size / 2) * size;
            if (mid == from) mid = from + size;
            invokeAll(new Chunk(body, from, mid, size), new Chunk(body, mid, to, size));
        }
    }
}
