package org.magnet4j.kernels.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A caching device allocator: blocks are rounded up to size classes (at most 1/8 waste) and, when their storage is
 * collected, go back to a free list of their class instead of to the driver. All work runs on one stream, so a
 * block reused by a later op is only touched after every earlier op that named it. Cached bytes are capped
 * (-Dmagnet.cuda.cacheBytes, default a quarter of the GPU's memory); blocks over the cap are freed on the next
 * allocation, after a stream synchronize, on the caller's thread (never from the Cleaner). On out-of-memory the
 * cache is emptied, the GC is asked to return unreachable storages, and the allocation is retried.
 */
final class DevicePool {
    /** One device allocation of a size class. */
    record Block(long ptr, long bytes) {}

    private final CudaContext ctx;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final List<Block> toFree = new ArrayList<>();
    private final long cacheLimit;
    private long cached, inUse, peak;

    DevicePool(CudaContext ctx) {
        this.ctx = ctx;
        long prop = Long.getLong("magnet.cuda.cacheBytes", -1);
        this.cacheLimit = prop >= 0 ? prop : ctx.totalMem / 4;
    }

    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 256);
        long step = Math.max(512, Long.highestOneBit(b) / 8);
        return (b + step - 1) / step * step;
    }

    /** A block of at least the given size; contents undefined. */
    Block acquire(long bytes) {
        long size = sizeClass(bytes);
        List<Block> pending;
        synchronized (this) {
            ArrayDeque<Block> q = free.get(size);
            if (q != null && !q.isEmpty()) {
                cached -= size;
                inUse += size;
                peak = Math.max(peak, inUse);
                return q.pop();
            }
            pending = drainToFree();
        }
        ctx.bind();
        freeAll(pending);
        long[] out = new long[1];
        int rc = ctx.driver.memAlloc(size, out);
        if (rc == CuDriver.CUDA_ERROR_OUT_OF_MEMORY) {
            trim();
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            trim();
            rc = ctx.driver.memAlloc(size, out);
        }
        ctx.driver.check("cuMemAlloc_v2(" + size + " bytes; " + inUse + " in use, " + cached + " cached)", rc);
        synchronized (this) {
            inUse += size;
            peak = Math.max(peak, inUse);
        }
        return new Block(out[0], size);
    }

    /** A zero-filled block. */
    Block acquireZeroed(long bytes) {
        Block b = acquire(bytes);
        ctx.driver.memsetD8(b.ptr(), (byte) 0, b.bytes(), ctx.stream);
        return b;
    }

    /** Returns a block to its free list, or marks it to be freed. Called from the Cleaner: no CUDA calls here. */
    synchronized void release(Block b) {
        inUse -= b.bytes();
        if (cached + b.bytes() <= cacheLimit) {
            free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
            cached += b.bytes();
        } else toFree.add(b);
    }

    private List<Block> drainToFree() {
        if (toFree.isEmpty()) return List.of();
        List<Block> l = new ArrayList<>(toFree);
        toFree.clear();
        return l;
    }

    private void freeAll(List<Block> blocks) {
        if (blocks.isEmpty()) return;
        ctx.driver.streamSynchronize(ctx.stream);
        for (Block b : blocks) ctx.driver.memFree(b.ptr());
    }

    /** Gives every cached block back to the driver. */
    void trim() {
        List<Block> all;
        synchronized (this) {
            all = drainToFree();
            all = new ArrayList<>(all);
            for (ArrayDeque<Block> q : free.values()) all.addAll(q);
            free.clear();
            cached = 0;
        }
        ctx.bind();
        freeAll(all);
    }

    synchronized long cachedBytes() { return cached; }

    synchronized long inUseBytes() { return inUse; }

    synchronized long peakBytes() { return peak; }
}
