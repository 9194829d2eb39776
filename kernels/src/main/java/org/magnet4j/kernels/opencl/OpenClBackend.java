package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import org.jocl.Pointer;
import org.magnet4j.kernels.gpu.GpuBackend;
import org.magnet4j.kernels.gpu.Im2colConvolution;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Storage;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * The OpenCL backend: one device, one in-order queue, buffers from a caching pool, kernels in OpenCL C built at
 * first use. Semantics follow the CPU backend (the reference). The op families other than linear algebra are
 * shared with the CUDA backend ({@link GpuBackend}); this class adds memory, copies, launching and its GEMM kernel.
 */
public final class OpenClBackend extends GpuBackend {
    final Device device;
    final ClContext ctx;
    final ClPrograms programs;
    final BufferPool pool;
    private final LinearOps linear = new LinearOps(this);
    private final Im2colConvolution convolution = new Im2colConvolution(this, linear::gemm, LinearOps.COL_BUDGET);

    OpenClBackend(Device device, ClDevices.Entry entry) {
        this.device = device;
        this.ctx = new ClContext(entry);
        this.programs = new ClPrograms(ctx);
        this.pool = new BufferPool(ctx);
    }

    @Override public Device device() { return device; }

    /** "pthread-skylake [CPU] on Portable Computing Language". */
    public String describe() { return ctx.entry.describe(); }

    public boolean supportsFloat64() { return ctx.fp64; }

    /** Kernel timings; null unless -Dmagnet.opencl.profile=true. */
    public ClProfiler profiler() { return ctx.profiler; }

    /** Waits for every queued command. */
    @Override public void synchronize() { ctx.finish(); }

    // ---- helpers for the op classes -------------------------------------------------------------------------
    /** Compute in double for float64, and for integer/half dtypes when the device has fp64. */
    @Override public boolean dbl(DType t) { return t == DType.FLOAT64 || (t != DType.FLOAT32 && ctx.fp64); }

    @Override public Launch launch(String file, DType computeType, String kernel) { return launch(file, dbl(computeType), kernel); }

    @Override public Launch launch(String file, boolean dbl, String kernel) { return new Launch(ctx, programs, file, dbl, kernel); }

    private void checkDType(DType dtype) {
        if (dtype == DType.FLOAT64 && !ctx.fp64)
            throw new TensorException("OpenCL device " + describe() + " has no float64 support (cl_khr_fp64); use float32");
    }

    @Override public Tensor empty(DType dtype, int... shape) {
        checkDType(dtype);
        int n = Shapes.numel(shape);
        return Tensor.of(new OpenClStorage(this, dtype, n, pool, pool.acquire((long) n * dtype.byteSize())), shape);
    }

    static OpenClStorage st(Tensor t) { return (OpenClStorage) t.storage(); }

    // ---- memory ---------------------------------------------------------------------------------------------
    @Override public Storage allocate(DType dtype, int numel) {
        checkDType(dtype);
        return new OpenClStorage(this, dtype, numel, pool, pool.acquireZeroed((long) numel * dtype.byteSize()));
    }

    @Override public Storage upload(Object javaArray, DType dtype) {
        checkDType(dtype);
        Pointer p;
        int n;
        switch (dtype) {
            case FLOAT32 -> { float[] a = cast(javaArray, float[].class, dtype); p = Pointer.to(a); n = a.length; }
            case FLOAT64 -> { double[] a = cast(javaArray, double[].class, dtype); p = Pointer.to(a); n = a.length; }
            case INT64 -> { long[] a = cast(javaArray, long[].class, dtype); p = Pointer.to(a); n = a.length; }
            case INT32 -> { int[] a = cast(javaArray, int[].class, dtype); p = Pointer.to(a); n = a.length; }
            case UINT8, BOOL -> {
                byte[] a = cast(javaArray, byte[].class, dtype);
                if (dtype == DType.BOOL) { // the kernels rely on bool being 0 or 1
                    a = a.clone();
                    for (int i = 0; i < a.length; i++) a[i] = (byte) (a[i] != 0 ? 1 : 0);
                }
                p = Pointer.to(a);
                n = a.length;
            }
            case FLOAT16, BFLOAT16 -> { short[] a = cast(javaArray, short[].class, dtype); p = Pointer.to(a); n = a.length; }
            default -> throw new IllegalStateException(dtype.toString());
        }
        long bytes = (long) n * dtype.byteSize();
        BufferPool.Block b = pool.acquire(bytes);
        if (bytes > 0)
            ClException.check("clEnqueueWriteBuffer", clEnqueueWriteBuffer(ctx.queue, b.mem(), true, 0, bytes, p, 0, null, null));
        return new OpenClStorage(this, dtype, n, pool, b);
    }

    private static <A> A cast(Object array, Class<A> want, DType dtype) {
        if (array.getClass() != want)
            throw new TensorException("upload: " + dtype + " needs a " + want.getSimpleName() + ", got " + array.getClass().getSimpleName());
        return want.cast(array);
    }

    @Override public Object download(Tensor t) {
        Tensor c = t.isContiguous() ? t : copyOf(t);
        int n = c.numel();
        DType dt = c.dtype();
        Object out;
        Pointer p;
        switch (dt) {
            case FLOAT32 -> { float[] a = new float[n]; out = a; p = Pointer.to(a); }
            case FLOAT64 -> { double[] a = new double[n]; out = a; p = Pointer.to(a); }
            case INT64 -> { long[] a = new long[n]; out = a; p = Pointer.to(a); }
            case INT32 -> { int[] a = new int[n]; out = a; p = Pointer.to(a); }
            case UINT8, BOOL -> { byte[] a = new byte[n]; out = a; p = Pointer.to(a); }
            case FLOAT16, BFLOAT16 -> { short[] a = new short[n]; out = a; p = Pointer.to(a); }
            default -> throw new IllegalStateException(dt.toString());
        }
        if (n > 0) {
            long es = dt.byteSize();
            ClException.check("clEnqueueReadBuffer", clEnqueueReadBuffer(ctx.queue, st(c).mem(), true, c.offset() * es, n * es, p, 0, null, null));
        }
        java.lang.ref.Reference.reachabilityFence(c);
        return out;
    }

    // ---- compute --------------------------------------------------------------------------------------------
    @Override public Tensor matmul(Tensor a, Tensor b) { return linear.matmul(a, b); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) { return convolution.conv2d(x, w, bias, p); }

    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] inputShape, Conv2dParams p) {
        return convolution.conv2dBackwardInput(gy, w, inputShape, p);
    }

    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] weightShape, Conv2dParams p) {
        return convolution.conv2dBackwardWeight(gy, x, weightShape, p);
    }

    @Override public Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) { return convolution.unfold(x, kH, kW, p); }

    @Override public String toString() { return "OpenClBackend(" + device + ": " + describe() + ")"; }
}
