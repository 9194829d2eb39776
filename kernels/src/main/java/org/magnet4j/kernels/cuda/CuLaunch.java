package org.magnet4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.magnet4j.kernels.gpu.KernelLaunch;
import org.magnet4j.tensor.Tensor;

/**
 * Collects a kernel's arguments and launches it on the backend's stream. Buffers are given as tensors or storages,
 * which stay reachable until the launch is enqueued (so the Cleaner cannot recycle a block that a pending launch
 * still names; later reuse is ordered after it on the one stream). The argument sizes are checked against the
 * kernel's PTX parameter list before launching.
 */
final class CuLaunch implements KernelLaunch {
    static final int BLOCK = 256;

    private final CudaBackend be;
    private final CudaModules.Kernel kernel;
    private final boolean dbl;
    private final List<Object> keep = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    CuLaunch(CudaBackend be, String file, boolean dbl, String name) {
        this.be = be;
        this.kernel = be.ctx.modules().kernel(file, dbl, name);
        this.dbl = dbl;
    }

    CuLaunch buf(CudaStorage s) {
        keep.add(s);
        args.add(s.ptr());
        return this;
    }

    @Override public CuLaunch buf(Tensor t) { return buf((CudaStorage) t.storage()); }

    @Override public CuLaunch i32(int v) {
        args.add(v);
        return this;
    }

    @Override public CuLaunch i32(boolean v) { return i32(v ? 1 : 0); }

    @Override public CuLaunch acc(double v) {
        args.add(dbl ? (Object) v : (Object) (float) v);
        return this;
    }

    @Override public CuLaunch view(int[] packed) {
        args.add(packed);
        return this;
    }

    private static int size(Object a) {
        return switch (a) {
            case Long l -> 8;
            case Double d -> 8;
            case int[] v -> v.length * 4;
            default -> 4;
        };
    }

    @Override public void run(long n) {
        if (n <= 0) return;
        long blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks > Integer.MAX_VALUE) throw new CudaException(kernel.name() + ": " + n + " threads exceed one launch");
        launch((int) blocks, 1, 1, BLOCK, 1, 1);
    }

    /** An explicit grid and block. */
    void launch(int gx, int gy, int gz, int bx, int by, int bz) {
        if (gx <= 0 || gy <= 0 || gz <= 0) return;
        int[] sizes = new int[args.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = size(args.get(i));
        if (!Arrays.equals(sizes, kernel.paramSizes()))
            throw new CudaException("kernel " + kernel.name() + " takes parameters of " + Arrays.toString(kernel.paramSizes())
                    + " bytes, the launch passes " + Arrays.toString(sizes));
        be.ctx.bind();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ptrs = a.allocate(ADDRESS, Math.max(1, args.size()));
            for (int i = 0; i < args.size(); i++) {
                Object v = args.get(i);
                MemorySegment slot = a.allocate(Math.max(8, sizes[i]), 8);
                switch (v) {
                    case Long l -> slot.set(JAVA_LONG, 0, l);
                    case Integer n -> slot.set(JAVA_INT, 0, n);
                    case Float f -> slot.set(JAVA_FLOAT, 0, f);
                    case Double d -> slot.set(JAVA_DOUBLE, 0, d);
                    case int[] view -> MemorySegment.copy(view, 0, slot, JAVA_INT, 0, view.length);
                    default -> throw new IllegalStateException(String.valueOf(v));
                }
                ptrs.setAtIndex(ADDRESS, i, slot);
            }
            long t0 = be.profiler != null ? System.nanoTime() : 0;
            if (be.profiler != null) be.profiler.begin(kernel.name());
            be.ctx.driver.launch(kernel.name(), kernel.function(), gx, gy, gz, bx, by, bz, be.ctx.stream, ptrs);
            if (be.profiler != null) be.profiler.end(kernel.name(), t0);
        }
        Reference.reachabilityFence(keep);
    }
}
