package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.ReduceOp;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.UnaryOp;

/**
 * What the CUDA and OpenCL backends share: every op family whose kernels take the same arguments on both devices
 * (elementwise, reductions and softmax, pooling, indexing, sorting, sampling) is written once in this package and
 * launched through {@link KernelLaunch}; this class routes the {@link Backend} calls to them. A subclass supplies
 * device memory, copies, kernel launching and its linear algebra (cuBLAS and cuDNN, or our GEMM kernel).
 */
public abstract class GpuBackend implements Backend {
    private final ElementwiseOps elementwise = new ElementwiseOps(this);
    private final ReduceOps reduce = new ReduceOps(this);
    private final PoolOps pooling = new PoolOps(this);
    private final IndexOps indexing = new IndexOps(this);
    private final SortOps sorting = new SortOps(this);
    private final SamplingOps sampling = new SamplingOps(this);

    private static final boolean FUSED_EPILOGUE = !"false".equals(System.getProperty("magnet.gpu.fusedEpilogue"));

    protected GpuBackend() {}

    // ---- for kernel-backed ops: the shared families here and each backend's own -----------------------------
    /** Whether kernels for this dtype are built to compute in double (float64 always; others per device). */
    public abstract boolean dbl(DType t);

    /** A launch of the named kernel of a source file, built for double or float compute. */
    public abstract KernelLaunch launch(String file, boolean dbl, String kernel);

    /** A launch of the kernel built for this dtype's compute type ({@link #dbl}). */
    public KernelLaunch launch(String file, DType computeType, String kernel) { return launch(file, dbl(computeType), kernel); }

    /** A new contiguous tensor whose contents are undefined (every element is written by the caller's kernel). */
    public abstract Tensor empty(DType dtype, int... shape);

    /** A new contiguous zero-filled tensor. */
    public Tensor zeros(DType dtype, int... shape) { return Tensor.of(allocate(dtype, Shapes.numel(shape)), shape); }

    /** The tensor on this device (inputs normally are; a tensor elsewhere is moved here). */
    public Tensor here(Tensor t) { return t.device().equals(device()) ? t : t.to(device()); }

    /** A contiguous copy (same dtype) without autograd. */
    public Tensor copyOf(Tensor t) {
        Tensor out = empty(t.dtype(), t.shape());
        copyInto(t, out);
        return out;
    }

    /** t itself when contiguous, else a contiguous copy; no autograd. */
    public Tensor contig(Tensor t) { return t.isContiguous() ? t : copyOf(t); }

    // ---- copies ---------------------------------------------------------------------------------------------
    /** Any view into any view, converting the dtype: one kernel over the destination's elements. */
    @Override public void copyInto(Tensor src, Tensor dst) {
        Tensor s = here(src);
        launch("copy", dbl(s.dtype()) || dbl(dst.dtype()), "copy_view")
                .buf(s).i32(s.dtype().ordinal()).view(StridedView.of(s))
                .buf(dst).i32(dst.dtype().ordinal()).view(StridedView.of(dst)).i32(dst.numel())
                .run(dst.numel());
    }

    @Override public void fill(Tensor dst, double value) {
        launch("copy", dst.dtype(), "fill_view").buf(dst).i32(dst.dtype().ordinal()).view(StridedView.of(dst)).i32(dst.numel()).acc(value)
                .run(dst.numel());
    }

    // ---- compute --------------------------------------------------------------------------------------------
    @Override public Tensor unary(UnaryOp op, Tensor x, double scalar) { return elementwise.unary(op, x, scalar); }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return elementwise.binary(op, a, b); }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { return elementwise.where(cond, a, b); }

    /**
     * One kernel for float32/float64 statistics (a convolution's batch norm needed seven); the caller gives [C] vectors of
     * one dtype on this device, as the Backend contract says (F.batchNormEvalAffine checks it).
     */
    @Override public Tensor[] batchNormEvalAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        DType t = mean.dtype();
        boolean one = (t == DType.FLOAT32 || t == DType.FLOAT64) && FUSED_EPILOGUE;
        return one ? elementwise.bnEvalAffine(mean, var, weight, bias, eps) : Backend.super.batchNormEvalAffine(mean, var, weight, bias, eps);
    }

    /**
     * The device's convolution, then its bias and the rest of the epilogue (batch norm's affine, residual, ReLU) in one
     * kernel over the output instead of one op each: fewer launches and passes over memory, the same bits (a
     * convolution's bias add is y + b on both devices: our add_bias kernel, cuDNN's addTensor with alpha = beta = 1).
     */
    @Override public Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu, Conv2dParams p) {
        DType t = x.dtype();
        boolean sameTypes = (bias == null || bias.dtype() == t) && (scale == null || scale.dtype() == t && shift.dtype() == t)
                && (residual == null || residual.dtype() == t);
        // Promotions, or -Dmagnet.gpu.fusedEpilogue=false (to compare): the composed ops. The kernel keeps its compute type
        // between steps, which rounds as the separate ops only for float32 and float64 (the only convolution dtypes today).
        boolean computeType = t == DType.FLOAT32 || t == DType.FLOAT64;
        if (!sameTypes || !computeType || !FUSED_EPILOGUE) return Backend.super.conv2dFused(x, w, bias, scale, shift, residual, relu, p);
        // The bias rides in the epilogue: one launch fewer. The kernel works in place on a contiguous output (ours are).
        return elementwise.convEpilogue(contig(conv2d(x, w, null, p)), bias, scale, shift, residual, relu);
    }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int dim) { return reduce.reduce(op, x, dim); }

    @Override public Tensor softmax(Tensor x, int dim, boolean log) { return reduce.softmax(x, dim, log); }

    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, int dim, boolean log) { return reduce.softmaxBackward(y, gy, dim, log); }

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
}
