package org.magnet4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.magnet4j.kernels.gpu.GpuBackend;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Storage;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * The CUDA backend: one GPU, one stream, device memory from a caching pool, matrix products on cuBLAS,
 * convolutions on cuDNN (each with a fallback on our own kernels when the library is absent), and everything else
 * in our own CUDA C kernels (PTX built by nvcc at build time, or NVRTC at run time). Semantics follow the CPU
 * backend (the reference). The op families other than linear algebra are shared with the OpenCL backend
 * ({@link GpuBackend}); this class adds memory, copies, launching and cuBLAS/cuDNN.
 */
public final class CudaBackend extends GpuBackend {
    final Device device;
    final CudaContext ctx;
    final DevicePool pool;
    final CudaProfiler profiler;
    final LinearOps linear = new LinearOps(this);

    CudaBackend(Device device, CudaContext ctx) {
        this.device = device;
        this.ctx = ctx;
        this.pool = new DevicePool(ctx);
        this.profiler = Boolean.getBoolean("magnet.cuda.profile") ? new CudaProfiler(ctx) : null;
    }

    @Override public Device device() { return device; }

    /** The GPU, driver and libraries in use. */
    public String describe() { return ctx.describe(); }

    /** True when matrix products run on cuBLAS (else on our GEMM kernel). */
    public boolean usesCublas() { return ctx.cublas != null && linear.cublasEnabled; }

    /** Routes matrix products to cuBLAS (true, when present) or to our GEMM kernel (false); for tests and comparisons. */
    public void useCublas(boolean on) { linear.cublasEnabled = on; }

    /** True when convolutions run on cuDNN (else im2col + GEMM). */
    public boolean usesCudnn() { return ctx.cudnn != null && linear.cudnnEnabled; }

    /** Routes convolutions to cuDNN (true, when present) or to im2col + GEMM (false); for tests and comparisons. */
    public void useCudnn(boolean on) { linear.cudnnEnabled = on; }

    /** Kernel timings; null unless -Dmagnet.cuda.profile=true. */
    public CudaProfiler profiler() { return profiler; }

    /** Bytes of device memory held by live tensors, cached by the pool, and the peak in use. */
    public long[] memoryStats() { return new long[] {pool.inUseBytes(), pool.cachedBytes(), pool.peakBytes()}; }

    /** Waits for every queued command. */
    @Override public void synchronize() { ctx.synchronize(); }

    /** Milliseconds the GPU spent on the work body queues (CUDA events around it). */
    public float time(Runnable body) {
        ctx.bind();
        MemorySegment a = ctx.driver.eventCreate(), b = ctx.driver.eventCreate();
        try {
            ctx.driver.eventRecord(a, ctx.stream);
            body.run();
            ctx.driver.eventRecord(b, ctx.stream);
            ctx.driver.eventSynchronize(b);
            return ctx.driver.eventElapsedMs(a, b);
        } finally {
            ctx.driver.eventDestroy(a);
            ctx.driver.eventDestroy(b);
        }
    }

    // ---- helpers for the op classes -------------------------------------------------------------------------
    /** Compute in double for float64, and for integer and half dtypes (every CUDA GPU has fp64). */
    @Override public boolean dbl(DType t) { return t != DType.FLOAT32; }

    @Override public CuLaunch launch(String file, DType computeType, String kernel) { return launch(file, dbl(computeType), kernel); }

    @Override public CuLaunch launch(String file, boolean dbl, String kernel) { return new CuLaunch(this, file, dbl, kernel); }

    @Override public Tensor empty(DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        return Tensor.of(new CudaStorage(this, dtype, n, pool, pool.acquire((long) n * dtype.byteSize())), shape);
    }

    static CudaStorage st(Tensor t) { return (CudaStorage) t.storage(); }

    /** Device address of a tensor's first element (its storage base plus its offset). */
    static long addr(Tensor t) { return st(t).ptr() + (long) t.offset() * t.dtype().byteSize(); }

    // ---- memory ---------------------------------------------------------------------------------------------
    @Override public Storage allocate(DType dtype, int numel) {
        ctx.bind();
        return new CudaStorage(this, dtype, numel, pool, pool.acquireZeroed((long) numel * dtype.byteSize()));
    }

    private static ValueLayout layout(DType t) {
        return switch (t) {
            case FLOAT32 -> JAVA_FLOAT;
            case FLOAT64 -> JAVA_DOUBLE;
            case INT64 -> JAVA_LONG;
            case INT32 -> JAVA_INT;
            case UINT8, BOOL -> JAVA_BYTE;
            case FLOAT16, BFLOAT16 -> JAVA_SHORT;
        };
    }

    private static Class<?> arrayClass(DType t) {
        return switch (t) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
            case INT32 -> int[].class;
            case UINT8, BOOL -> byte[].class;
            case FLOAT16, BFLOAT16 -> short[].class;
        };
    }

    @Override public Storage upload(Object javaArray, DType dtype) {
        if (javaArray.getClass() != arrayClass(dtype))
            throw new TensorException("upload: " + dtype + " needs a " + arrayClass(dtype).getSimpleName() + ", got " + javaArray.getClass().getSimpleName());
        int n = java.lang.reflect.Array.getLength(javaArray);
        if (dtype == DType.BOOL) { // the kernels rely on bool being 0 or 1
            byte[] a = ((byte[]) javaArray).clone();
            for (int i = 0; i < a.length; i++) a[i] = (byte) (a[i] != 0 ? 1 : 0);
            javaArray = a;
        }
        long bytes = (long) n * dtype.byteSize();
        ctx.bind();
        DevicePool.Block b = pool.acquire(bytes);
        if (bytes > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate(bytes, 16);
                MemorySegment.copy(javaArray, 0, host, layout(dtype), 0, n);
                ctx.driver.memcpyHtoD(b.ptr(), host, bytes, ctx.stream);
                ctx.driver.streamSynchronize(ctx.stream);
            }
        }
        return new CudaStorage(this, dtype, n, pool, b);
    }

    @Override public Object download(Tensor t) {
        Tensor c = t.isContiguous() ? t : copyOf(t);
        int n = c.numel();
        DType dt = c.dtype();
        Object out = java.lang.reflect.Array.newInstance(arrayClass(dt).componentType(), n);
        if (n > 0) {
            long bytes = (long) n * dt.byteSize();
            ctx.bind();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate(bytes, 16);
                ctx.driver.memcpyDtoH(host, addr(c), bytes, ctx.stream);
                ctx.driver.streamSynchronize(ctx.stream);
                MemorySegment.copy(host, layout(dt), 0, out, 0, n);
            }
        }
        java.lang.ref.Reference.reachabilityFence(c);
        return out;
    }

    /** A same-dtype contiguous copy is one device-to-device memcpy; anything else runs the copy kernel. */
    @Override public void copyInto(Tensor src, Tensor dst) {
        Tensor s = here(src);
        if (s.dtype() == dst.dtype() && s.isContiguous() && dst.isContiguous()) {
            long bytes = (long) dst.numel() * dst.dtype().byteSize();
            if (bytes == 0) return;
            ctx.bind();
            ctx.driver.memcpyDtoD(addr(dst), addr(s), bytes, ctx.stream);
            java.lang.ref.Reference.reachabilityFence(s);
            java.lang.ref.Reference.reachabilityFence(dst);
            return;
        }
        super.copyInto(s, dst);
    }

    // ---- compute --------------------------------------------------------------------------------------------
    @Override public Tensor matmul(Tensor a, Tensor b) { return linear.matmul(a, b); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) { return linear.conv2d(x, w, bias, p); }

    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] inputShape, Conv2dParams p) {
        return linear.conv2dBackwardInput(gy, w, inputShape, p);
    }

    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] weightShape, Conv2dParams p) {
        return linear.conv2dBackwardWeight(gy, x, weightShape, p);
    }

    @Override public Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) { return linear.unfold(x, kH, kW, p); }

    @Override public String toString() { return "CudaBackend(" + device + ": " + ctx.name + ")"; }
}
