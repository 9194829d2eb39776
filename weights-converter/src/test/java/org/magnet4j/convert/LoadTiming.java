package org.magnet4j.convert;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Not a unit test: times Checkpoints.load on a checkpoint (first load in a fresh JVM, then the median of warm loads)
 * and reports the peak heap it needed beyond the result. Compare with src/test/python/time_torch_load.py, run in the
 * same session. Usage: java -cp ... org.magnet4j.convert.LoadTiming FILE [REPEATS [WARMUP [nocrc]]]
 */
public final class LoadTiming {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        LoadOptions options = args.length > 3 && args[3].equals("nocrc")
                ? new LoadOptions(KeyMapping.none(), false, null, false) : LoadOptions.raw();
        System.gc();
        long before = used();
        resetPeaks();
        long t0 = System.nanoTime();
        Checkpoint c = Checkpoints.load(file, options);
        double first = (System.nanoTime() - t0) / 1e6;
        long peak = peakHeap() - before;
        long data = c.tensors().values().stream().mapToLong(StoredTensor::byteSize).sum();
        System.gc();
        long retained = used() - before;
        for (int i = 0; i < warmup; i++) c = Checkpoints.load(file, options);
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            c = Checkpoints.load(file, options);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("java Checkpoints.load %s: %d tensors, %.1f MB of data; first load %.0f ms, warm median %.1f ms (min %.1f) over %d after %d warm-up loads%s%n",
                file.getFileName(), c.tensors().size(), data / 1e6, first, ms[repeats / 2], ms[0], repeats, warmup,
                options.verifyChecksums() ? "" : " (CRC checks off)");
        System.out.printf("heap: retained after load %.1f MB, peak during first load %.1f MB above the start (data itself %.1f MB)%n",
                retained / 1e6, peak / 1e6, data / 1e6);
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        return sum;
    }
}
