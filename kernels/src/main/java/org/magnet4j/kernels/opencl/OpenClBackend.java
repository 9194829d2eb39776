package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import org.jocl.Pointer;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.ReduceOp;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Storage;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;
import org.magnet4j.tensor.UnaryOp;

/**
 * The OpenCL backend: one device, one in-order queue, buffers from a caching pool, kernels in OpenCL C built at
 * first use. Semantics follow the CPU backend (the reference); op families live in their own classes.
 */
public final class OpenClBackend implements Backend {
    final Device device;
    final ClContext ctx;
    final ClPrograms programs;
    final BufferPool pool;
    private final ElementwiseOps elementwise = new ElementwiseOps(this);
    private final ReduceOps reduce = new ReduceOps(this);
    private final LinearOps linear = new LinearOps(this);
    private final PoolOps pooling = new PoolOps(this);
    private final IndexOps indexing = new IndexOps(this);
    private final SortOps sorting = new SortOps(this);
    private final SamplingOps sampling = new SamplingOps(this);

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
    public void synchronize() { ctx.finish(); }

    // ---- helpers for the op classes -------------------------------------------------------------------------
    /** Compute in double for float64, and for integer/half dtypes when the device has fp64. */
    boolean dbl(DType t) { return t == DType.FLOAT64 || (t != DType.FLOAT32 && ctx.fp64); }

    Launch launch(String file, DType computeType, String kernel) { return new Launch(ctx, programs, file, dbl(computeType), kernel); }

    Launch launch(String file, boolean dbl, String kernel) { return new Launch(ctx, programs, file, dbl, kernel); }

    private void checkDType(DType dtype) {
        if (dtype == DType.FLOAT64 && !ctx.fp64)
            throw new TensorException("OpenCL device " + describe() + " has no float64 support (cl_khr_fp64); use float32");
    }

    /** A new contiguous tensor whose contents are undefined (every element is written by the caller's kernel). */
    Tensor empty(DType dtype, int... shape) {
        checkDType(dtype);
        int n = Shapes.numel(shape);
        return Tensor.of(new OpenClStorage(this, dtype, n, pool, pool.acquire((long) n * dtype.byteSize())), shape);
    }

    /** A new contiguous zero-filled tensor. */
    Tensor zeros(DType dtype, int... shape) { return Tensor.of(allocate(dtype, Shapes.numel(shape)), shape); }

    static OpenClStorage st(Tensor t) { return (OpenClStorage) t.storage(); }

    /** The tensor on this device (inputs normally are; a CPU tensor is moved here). */
    Tensor here(Tensor t) { return t.device().equals(device) ? t : t.to(device); }

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

    /** A contiguous copy (same dtype) without autograd. */
    Tensor copyOf(Tensor t) {
        Tensor out = empty(t.dtype(), t.shape());
        copyInto(t, out);
        return out;
    }

    /** t itself when contiguous, else a contiguous copy; no autograd. */
    Tensor contig(Tensor t) { return t.isContiguous() ? t : copyOf(t); }

    @Override public void copyInto(Tensor src, Tensor dst) {
        Tensor s = here(src);
        launch("copy", dbl(s.dtype()) || dbl(dst.dtype()), "copy_view")
                .buf(s).i32(s.dtype().ordinal()).view(ClView.of(s))
                .buf(dst).i32(dst.dtype().ordinal()).view(ClView.of(dst)).i32(dst.numel())
                .run(dst.numel());
    }

    @Override public void fill(Tensor dst, double value) {
        launch("copy", dst.dtype(), "fill_view").buf(dst).i32(dst.dtype().ordinal()).view(ClView.of(dst)).i32(dst.numel()).acc(value)
                .run(dst.numel());
    }

    // ---- compute --------------------------------------------------------------------------------------------
    @Override public Tensor unary(UnaryOp op, Tensor x, double scalar) { return elementwise.unary(op, x, scalar); }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return elementwise.binary(op, a, b); }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { return elementwise.where(cond, a, b); }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int dim) { return reduce.reduce(op, x, dim); }

    @Override public Tensor softmax(Tensor x, int dim, boolean log) { return reduce.softmax(x, dim, log); }

    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, int dim, boolean log) { return reduce.softmaxBackward(y, gy, dim, log); }

    @Override public Tensor matmul(Tensor a, Tensor b) { return linear.matmul(a, b); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) { return linear.conv2d(x, w, bias, p); }

    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] inputShape, Conv2dParams p) {
        return linear.conv2dBackwardInput(gy, w, inputShape, p);
    }

    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] weightShape, Conv2dParams p) {
        return linear.conv2dBackwardWeight(gy, x, weightShape, p);
    }

    @Override public Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) { return linear.unfold(x, kH, kW, p); }

    @Override public Tensor[] maxPool2d(Tensor x, Pool2dParams p) { return pooling.maxPool2d(x, p); }

    @Override public Tensor maxPool2dBackward(Tensor gy, Tensor indices, int[] inputShape) { return pooling.maxPool2dBackward(gy, indices, inputShape); }

    @Override public Tensor avgPool2d(Tensor x, Pool2dParams p) { return pooling.avgPool2d(x, p); }

    @Override public Tensor avgPool2dBackward(Tensor gy, int[] inputShape, Pool2dParams p) { return pooling.avgPool2dBackward(gy, inputShape, p); }

    @Override public Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) { return pooling.adaptiveAvgPool2d(x, outH, outW); }

    @Override public Tensor adaptiveAvgPool2dBackward(Tensor gy, int[] inputShape) { return pooling.adaptiveAvgPool2dBackward(gy, inputShape); }

    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return indexing.gather(x, dim, index); }

    @Override public Tensor scatter(Tensor base, int dim, Tensor index, Tensor src, boolean accumulate) {
        return indexing.scatter(base, dim, index, src, accumulate);
    }

    @Override public Tensor maskedSelect(Tensor x, Tensor mask) { return indexing.maskedSelect(x, mask); }

    @Override public Tensor maskedScatter(Tensor base, Tensor mask, Tensor src) { return indexing.maskedScatter(base, mask, src); }

    @Override public Tensor[] sort(Tensor x, int dim, boolean descending) { return sorting.sort(x, dim, descending); }

    @Override public Tensor[] median(Tensor x, int dim) { return sorting.median(x, dim); }

    @Override public Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners, double scaleH, double scaleW) {
        return sampling.interpolate(x, outH, outW, mode, alignCorners, scaleH, scaleW);
    }

    @Override public Tensor interpolateBackward(Tensor gy, int[] inputShape, InterpMode mode, boolean alignCorners, double scaleH, double scaleW) {
        return sampling.interpolateBackward(gy, inputShape, mode, alignCorners, scaleH, scaleW);
    }

    @Override public Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) { return sampling.gridSample(x, grid, alignCorners); }

    @Override public Tensor[] gridSampleBackward(Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        return sampling.gridSampleBackward(gy, x, grid, alignCorners);
    }

    @Override public Tensor roiAlign(Tensor x, Tensor boxes, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned) {
        return sampling.roiAlign(x, boxes, outH, outW, spatialScale, samplingRatio, aligned);
    }

    @Override public Tensor roiAlignBackward(Tensor gy, Tensor boxes, int[] inputShape, double spatialScale, int samplingRatio, boolean aligned) {
        return sampling.roiAlignBackward(gy, boxes, inputShape, spatialScale, samplingRatio, aligned);
    }

    @Override public String toString() { return "OpenClBackend(" + device + ": " + describe() + ")"; }
}
