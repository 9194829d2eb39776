package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * A caching allocator: device buffers are rounded up to size classes (at most 1/8 waste) and, when their
 * storage is collected, go back to a free list of their class instead of to the driver. Cached bytes are
 * capped; on an allocation failure the cache is emptied, the GC is asked to return unreachable storages, and
 * the allocation is retried.
 */
final class BufferPool {
    /** One device buffer of a size class. */
    record Block(cl_mem mem, long bytes) {}

    private final ClContext ctx;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final long cacheLimit;
    private long cached;

    BufferPool(ClContext ctx) {
        this.ctx = ctx;
        long prop = Long.getLong("magnet.opencl.cacheBytes", -1);
        this.cacheLimit = prop >= 0 ? prop : Math.min(ctx.globalMem / 4, 2L << 30);
    }

    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 64);
        long step = Math.max(256, Long.highestOneBit(b) / 8);
        return (b + step - 1) / step * step;
    }

    /** A buffer of at least the given size; contents undefined. */
    Block acquire(long bytes) {
        long size = sizeClass(bytes);
        synchronized (this) {
            ArrayDeque<Block> q = free.get(size);
            if (q != null && !q.isEmpty()) {
                cached -= size;
                return q.pop();
            }
        }
        int[] err = new int[1];
        cl_mem m = clCreateBuffer(ctx.context, CL_MEM_READ_WRITE, size, null, err);
        if (err[0] == CL_MEM_OBJECT_ALLOCATION_FAILURE || err[0] == CL_OUT_OF_RESOURCES || err[0] == CL_OUT_OF_HOST_MEMORY) {
            trim();
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            trim();
            m = clCreateBuffer(ctx.context, CL_MEM_READ_WRITE, size, null, err);
        }
        if (err[0] != CL_SUCCESS) throw new ClException("clCreateBuffer", err[0], "(" + size + " bytes)");
        return new Block(m, size);
    }

    /** A zero-filled buffer. */
    Block acquireZeroed(long bytes) {
        Block b = acquire(bytes);
        ClException.check("clEnqueueFillBuffer", clEnqueueFillBuffer(ctx.queue, b.mem(), Pointer.to(new int[1]), 4, 0, b.bytes(), 0, null, null));
        return b;
    }

    /** Returns a buffer to its free list (or to the driver when the cache is full). Called from the Cleaner. */
    void release(Block b) {
        synchronized (this) {
            if (cached + b.bytes() <= cacheLimit) {
                free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
                cached += b.bytes();
                return;
            }
        }
        clReleaseMemObject(b.mem());
    }

    /** Gives every cached buffer back to the driver. */
    synchronized void trim() {
        for (ArrayDeque<Block> q : free.values()) for (Block b : q) clReleaseMemObject(b.mem());
        free.clear();
        cached = 0;
    }

    synchronized long cachedBytes() { return cached; }
}
