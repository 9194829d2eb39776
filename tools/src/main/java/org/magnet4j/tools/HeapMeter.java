package org.magnet4j.tools;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Heap figures around a piece of work: bytes allocated by all threads (what the work asked of the
 * allocator), and the peak heap in use (every heap pool's high-water mark summed: an upper bound that
 * still counts garbage the collector had not yet reclaimed). Allocation far above the peak shows that
 * intermediate activations die as the forward goes instead of all staying alive to the end.
 */
final class HeapMeter {
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long allocatedAtStart;
    private long allocated, peak;

    void start() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
            if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
        allocatedAtStart = threads.getTotalThreadAllocatedBytes();
    }

    void stop() {
        allocated += threads.getTotalThreadAllocatedBytes() - allocatedAtStart;
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        peak = Math.max(peak, sum);
    }

    long allocatedBytes() { return allocated; }

    long peakBytes() { return peak; }
}
