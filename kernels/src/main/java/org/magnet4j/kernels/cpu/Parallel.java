package org.magnet4j.kernels.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One shared team of threads for every CPU kernel. Size: -Dmagnet.threads, else $MAGNET_THREADS, else all
 * cores. Work is split into contiguous index ranges of at least {@code grain} items.
 *
 * <p>Why not a ForkJoinPool: a forward pass is thousands of kernels of 0.1-2 ms each, and a pool whose workers
 * park between them pays a wake-up (tens to hundreds of microseconds on a VM) at the start of every kernel, plus
 * another to wake the waiting caller at its end; an HRNet branch-1 convolution took as long on two threads as on
 * one. Here the calling thread works on its own job, and the other {@code threads() - 1} workers spin for a
 * short while (-Dmagnet.spinMicros, default 1000) after each job before they park, as OpenMP runtimes do.
 */
public final class Parallel {
    private static final int THREADS = threadCount();
    private static final long SPIN_NANOS = 1000L * Long.getLong("magnet.spinMicros", 1000L);
    /** Set while a job owns the workers; a second caller (or a nested call) runs its range serially. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile Job current;
    private static final Worker[] WORKERS = startWorkers();

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

    /**
     * Runs body over [0, n) in parallel chunks of at least grain items; serial when small, when called from
     * inside another range's body, or while another thread's range holds the team. Chunks are
     * [i * size, (i + 1) * size) for a fixed size, whichever thread runs them, so per-chunk results never
     * depend on scheduling. The first exception thrown by any chunk is rethrown here.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS * 4, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1 || THREADS == 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, (n + chunks - 1) / chunks);
        try {
            current = job;
            for (Worker w : WORKERS) if (w.sleeping) LockSupport.unpark(w);
            job.work();
            job.awaitDone();
        } finally {
            current = null;
            BUSY.set(false);
        }
        job.rethrow();
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

    /** One forRange call: chunks handed out in order to whichever thread asks next. */
    private static final class Job {
        private static long started;
        /** Which job this is (workers remember the number, not the job: a finished body's arrays must not stay reachable). */
        final long id = ++started; // only callers holding BUSY create jobs
        final RangeBody body;
        final int n, size, chunks;
        final Thread caller = Thread.currentThread();
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable error;

        Job(RangeBody body, int n, int size) {
            this.body = body;
            this.n = n;
            this.size = size;
            this.chunks = (n + size - 1) / size;
        }

        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (error == null) body.run(c * size, Math.min(n, (c + 1) * size));
                } catch (Throwable t) {
                    if (error == null) error = t;
                }
                if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) LockSupport.unpark(caller);
            }
        }

        /** Spins while the other threads finish their last chunks, then sleeps until the last one wakes us. */
        void awaitDone() {
            long start = System.nanoTime();
            while (done.get() < chunks) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 100_000);
            }
        }

        void rethrow() {
            Throwable t = error;
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }

    private static Worker[] startWorkers() {
        Worker[] w = new Worker[Math.max(0, THREADS - 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = new Worker(i + 1);
            w[i].start();
        }
        return w;
    }

    /** Whether current holds a job other than the one numbered last (no reference to it survives this call). */
    private static boolean hasNewJob(long last) {
        Job now = current;
        return now != null && now.id != last;
    }

    /** A team member: runs every job it sees, spins a while for the next, then parks until a caller wakes it. */
    private static final class Worker extends Thread {
        volatile boolean sleeping;

        Worker(int id) {
            super("magnet-cpu-" + id);
            setDaemon(true);
        }

        @Override public void run() {
            long last = 0;
            long idleSince = System.nanoTime();
            while (true) {
                // Job references are dropped before spinning or parking: current may still hold the job this worker
                // just finished (its caller clears it a moment later), and a parked frame that kept it would keep the
                // job's arrays reachable until the next job (seen in ParallelTest once Worker.run had been compiled).
                Job job = current;
                if (job != null && job.id != last) {
                    last = job.id;
                    job.work();
                    job = null;
                    idleSince = System.nanoTime();
                    continue;
                }
                job = null;
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true; // then look once more: a caller that published before this write will not unpark
                    if (!hasNewJob(last)) LockSupport.park(this);
                    sleeping = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
