package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.magnet4j.kernels.gpu.KernelLaunch;
import org.magnet4j.kernels.gpu.StridedView;
import org.magnet4j.tensor.Tensor;

/**
 * Collects a kernel's arguments and enqueues it. Buffers are given as tensors or storages, which stay reachable
 * until the kernel is enqueued (so the Cleaner cannot recycle a buffer that a pending launch still names).
 */
final class Launch implements KernelLaunch {
    private final ClContext ctx;
    private final cl_kernel kernel;
    private final String name;
    private final boolean dbl;
    private final List<Object> keep = new ArrayList<>();
    private final List<long[]> sizes = new ArrayList<>();
    private final List<Pointer> values = new ArrayList<>();

    Launch(ClContext ctx, ClPrograms programs, String file, boolean dbl, String name) {
        this.ctx = ctx;
        this.kernel = programs.kernel(file, dbl, name);
        this.name = name;
        this.dbl = dbl;
    }

    private Launch arg(long size, Pointer p) {
        sizes.add(new long[] {size});
        values.add(p);
        return this;
    }

    Launch buf(OpenClStorage s) {
        keep.add(s);
        return arg(Sizeof.cl_mem, Pointer.to(s.mem()));
    }

    @Override public Launch buf(Tensor t) { return buf((OpenClStorage) t.storage()); }

    Launch mem(cl_mem m) { return arg(Sizeof.cl_mem, Pointer.to(m)); }

    @Override public Launch i32(int v) { return arg(Sizeof.cl_int, Pointer.to(new int[] {v})); }

    @Override public Launch i32(boolean v) { return i32(v ? 1 : 0); }

    @Override public Launch acc(double v) { return dbl ? arg(Sizeof.cl_double, Pointer.to(new double[] {v})) : arg(Sizeof.cl_float, Pointer.to(new float[] {(float) v})); }

    @Override public Launch view(int[] packed) { return arg(StridedView.BYTES, Pointer.to(packed)); }

    @Override public void run(long n) {
        if (n <= 0) return;
        enqueue(1, new long[] {n}, null);
    }

    void run(long[] global, long[] local) {
        for (long g : global) if (g <= 0) return;
        enqueue(global.length, global, local);
    }

    private void enqueue(int dims, long[] global, long[] local) {
        cl_event ev = ctx.profiler != null ? new cl_event() : null;
        synchronized (kernel) {
            for (int i = 0; i < values.size(); i++) {
                int rc = clSetKernelArg(kernel, i, sizes.get(i)[0], values.get(i));
                if (rc != CL_SUCCESS) throw new ClException("clSetKernelArg(" + name + ", arg " + i + ")", rc, null);
            }
            int rc = clEnqueueNDRangeKernel(ctx.queue, kernel, dims, null, global, local, 0, null, ev);
            if (rc != CL_SUCCESS) throw new ClException("clEnqueueNDRangeKernel(" + name + ")", rc, null);
        }
        if (ev != null) ctx.profiler.record(name, ev);
        Reference.reachabilityFence(keep);
    }
}
