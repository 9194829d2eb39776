package org.magnet4j.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An n-dimensional view (shape, strides, offset) over a {@link Storage} on one device, with an optional
 * autograd record. Views share storage; ops return new tensors. Op families live in their own classes
 * ({@link Elementwise}, {@link Reductions}, {@link LinearOps}, {@link Pooling}, {@link Indexing},
 * {@link Sampling}, {@link Views}); the methods here are the fluent entry points.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private boolean requiresGrad;
    private Tensor grad;
    private GradNode gradNode;
    private boolean released;

    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        storage.attach();
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous tensor over a whole storage. */
    public static Tensor of(Storage storage, int... shape) {
        if (Shapes.numel(shape) != storage.numel())
            throw new TensorException("shape " + Shapes.str(shape) + " needs " + Shapes.numel(shape) + " elements, storage has " + storage.numel());
        return new Tensor(storage, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    // ---- factories ------------------------------------------------------------------------------------------
    public static Tensor zeros(DType dtype, int... shape) { return zeros(Device.CPU, dtype, shape); }

    public static Tensor zeros(int... shape) { return zeros(DType.FLOAT32, shape); }

    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return of(Backends.get(device).allocate(dtype, Shapes.numel(shape)), shape);
    }

    /** A tensor whose every element the caller writes: its memory may be a released tensor's (see {@link #release()}). */
    static Tensor uninitialized(Device device, DType dtype, int... shape) {
        return of(Backends.get(device).allocateUninitialized(dtype, Shapes.numel(shape)), shape);
    }

    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        Tensor t = zeros(device, dtype, shape);
        if (value != 0) t.backend().fill(t, value);
        return t;
    }

    public static Tensor full(double value, int... shape) { return full(Device.CPU, DType.FLOAT32, value, shape); }

    public static Tensor ones(int... shape) { return full(1.0, shape); }

    public static Tensor fromArray(float[] data, int... shape) { return fromJava(data, DType.FLOAT32, data.length, shape); }

    public static Tensor fromArray(double[] data, int... shape) { return fromJava(data, DType.FLOAT64, data.length, shape); }

    public static Tensor fromArray(long[] data, int... shape) { return fromJava(data, DType.INT64, data.length, shape); }

    public static Tensor fromArray(int[] data, int... shape) { return fromJava(data, DType.INT32, data.length, shape); }

    /** byte[] as uint8 or bool (0/1); short[] as float16/bfloat16 bits. */
    public static Tensor fromArray(byte[] data, DType dtype, int... shape) { return fromJava(data, dtype, data.length, shape); }

    public static Tensor fromArray(short[] data, DType dtype, int... shape) { return fromJava(data, dtype, data.length, shape); }

    private static Tensor fromJava(Object data, DType dtype, int length, int[] shape) {
        if (Shapes.numel(shape) != length)
            throw new TensorException("fromArray: " + length + " values do not fill shape " + Shapes.str(shape));
        return of(Backends.cpu().upload(data, dtype), shape);
    }

    public static Tensor scalar(double v) { return fromArray(new float[] {(float) v}); }

    /** 0, 1, ..., n-1 as int64. */
    public static Tensor arange(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return fromArray(a, n);
    }

    /** Uniform [0,1) float32 from a seeded generator. */
    public static Tensor rand(SplittableRandom rng, int... shape) {
        float[] a = new float[Shapes.numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextDouble();
        return fromArray(a, shape);
    }

    /** Standard normal float32 (Box-Muller) from a seeded generator. */
    public static Tensor randn(SplittableRandom rng, int... shape) {
        float[] a = new float[Shapes.numel(shape)];
        for (int i = 0; i < a.length; i++) {
            double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
            a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return fromArray(a, shape);
    }

    // ---- metadata -------------------------------------------------------------------------------------------
    public int[] shape() { return shape.clone(); }

    public int size(int dim) { return shape[Shapes.dim("size", dim, shape.length)]; }

    public int dim() { return shape.length; }

    public int numel() { return Shapes.numel(shape); }

    public int[] strides() { return strides.clone(); }

    public int offset() { return offset; }

    public Storage storage() {
        if (released) throw new TensorException("tensor " + Shapes.str(shape) + " was used after release()");
        return storage;
    }

    /**
     * For inference code that knows this tensor object is dead: marks it so (any later use throws), and once
     * every tensor made over its storage (views included) has been released, hands the memory back to the
     * backend, which may give it to a later op's output instead of allocating (and zeroing) a fresh buffer.
     * A view that is dropped without release() keeps the memory from ever being handed back: never too early.
     * Does nothing while gradients are recorded, or for a tensor that requires or carries a gradient record.
     *
     * @return whether the memory was handed back now
     */
    public boolean release() {
        if (released || GradMode.isEnabled() || requiresGrad || gradNode != null) return false;
        released = true;
        if (storage.detach() != 0) return false;
        storage.backend().recycle(storage);
        return true;
    }

    public boolean isReleased() { return released; }

    /**
     * {@link #release()} of each tensor: for inference code dropping several intermediates at once. A tensor listed
     * twice, or a view listed with its source, is fine (release() is idempotent).
     */
    public static void releaseAll(Tensor... dead) {
        for (Tensor t : dead) t.release();
    }

    /**
     * For a step {@code out = op(in)} in inference: releases {@code in} unless op handed back the same object (an
     * identity layer, dropout in eval mode), and returns {@code out}. Only for an {@code in} the caller made.
     */
    public static Tensor releaseConsumed(Tensor in, Tensor out) {
        if (out != in) in.release();
        return out;
    }

    /** Releases each tensor of {@code done} that is not the very same object as one of {@code kept} (passed through). */
    public static void releaseAllExcept(List<Tensor> done, List<Tensor> kept) {
        for (Tensor t : done) {
            boolean passed = false;
            for (Tensor k : kept) passed |= k == t;
            if (!passed) t.release();
        }
    }

    public DType dtype() { return storage.dtype(); }

    public Device device() { return storage.device(); }

    public Backend backend() { return storage.backend(); }

    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }

    /** "float32[2, 3]" for messages. */
    public String describe() { return dtype() + Shapes.str(shape); }

    @Override public String toString() {
        return "Tensor(" + describe() + (device().isCpu() ? "" : ", " + device()) + (requiresGrad ? ", requiresGrad" : "") + ")";
    }

    // ---- data out -------------------------------------------------------------------------------------------
    public float[] toFloatArray() { return (float[]) to(DType.FLOAT32).download(); }

    public double[] toDoubleArray() { return (double[]) to(DType.FLOAT64).download(); }

    public long[] toLongArray() { return (long[]) to(DType.INT64).download(); }

    /** The raw Java array of this tensor's dtype, row-major over the view. */
    public Object download() { return backend().download(this); }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new TensorException("item: tensor " + describe() + " has " + numel() + " elements, not 1");
        return toDoubleArray()[0];
    }

    /** One element by index (slow: for tests and small tensors). */
    public double get(int... index) {
        if (index.length != shape.length) throw new TensorException("get: " + index.length + " indices for " + describe());
        Tensor t = this;
        for (int d = index.length - 1; d >= 0; d--) t = t.select(d, index[d]);
        return t.item();
    }

    // ---- autograd -------------------------------------------------------------------------------------------
    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as needing a gradient. */
    public Tensor requiresGrad(boolean on) {
        if (gradNode != null && !on) throw new TensorException("requiresGrad(false): only leaves can be changed; use detach()");
        if (on && !dtype().isFloating()) throw new TensorException("requiresGrad: only floating tensors can require grad, got " + describe());
        requiresGrad = on;
        return this;
    }

    public Tensor grad() { return grad; }

    public void setGrad(Tensor g) { grad = g; }

    public GradNode gradNode() { return gradNode; }

    void setGradNode(GradNode node) {
        gradNode = node;
        requiresGrad = true;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.contiguous() : grad.add(g);
    }

    public void backward() {
        if (numel() != 1) throw new TensorException("backward: implicit gradient needs a one-element output, got " + describe());
        backward(Tensor.full(device(), dtype(), 1.0, shape));
    }

    public void backward(Tensor gradOutput) { Autograd.backward(this, gradOutput); }

    /** The same data, cut from the tape. */
    public Tensor detach() { return new Tensor(storage(), shape, strides, offset); }

    // ---- conversion -----------------------------------------------------------------------------------------
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = zeros(device(), dtype, shape);
        backend().copyInto(this, out);
        if (dtype.isFloating() && dtype().isFloating()) {
            DType from = dtype();
            return Autograd.record(out, "to", g -> new Tensor[] {g.to(from)}, this);
        }
        return out;
    }

    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        Object data = contiguous().download();
        Tensor out = of(Backends.get(device).upload(data, dtype()), shape);
        Device from = device();
        return Autograd.record(out, "to_device", g -> new Tensor[] {g.to(from)}, this);
    }

    /** This tensor if already contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    /** A contiguous copy. */
    @Override public Tensor clone() {
        Tensor out = uninitialized(device(), dtype(), shape);
        backend().copyInto(this, out);
        return Autograd.record(out, "clone", g -> new Tensor[] {g}, this);
    }

    /** In-place copy of src (broadcast to this shape) into this view. Not recorded: use under noGrad or on data. */
    public Tensor assign(Tensor src) {
        if (requiresGrad && GradMode.isEnabled()) throw new TensorException("assign: in-place write into " + describe() + " that requires grad");
        Tensor s = src.dtype() == dtype() ? src : src.to(dtype());
        backend().copyInto(s.expand(shape), this);
        return this;
    }

    /** In-place fill; same rules as {@link #assign}. */
    public Tensor fill(double value) {
        if (requiresGrad && GradMode.isEnabled()) throw new TensorException("fill: in-place write into " + describe() + " that requires grad");
        backend().fill(this, value);
        return this;
    }

    // ---- views ----------------------------------------------------------------------------------------------
    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }

    public Tensor view(int... newShape) { return Views.reshape(this, newShape); }

    public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }

    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /** Python's x[..., start:end:step, ...] along dim. */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    public Tensor expand(int... newShape) { return Views.expand(this, newShape); }

    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    // ---- elementwise ----------------------------------------------------------------------------------------
    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }

    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }

    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }

    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }

    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }

    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAX, this, o); }

    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MIN, this, o); }

    public Tensor eq(Tensor o) { return Elementwise.binary(BinaryOp.EQ, this, o); }

    public Tensor ne(Tensor o) { return Elementwise.binary(BinaryOp.NE, this, o); }

    public Tensor lt(Tensor o) { return Elementwise.binary(BinaryOp.LT, this, o); }

    public Tensor le(Tensor o) { return Elementwise.binary(BinaryOp.LE, this, o); }

    public Tensor gt(Tensor o) { return Elementwise.binary(BinaryOp.GT, this, o); }

    public Tensor ge(Tensor o) { return Elementwise.binary(BinaryOp.GE, this, o); }

    public Tensor add(double s) { return Elementwise.unary(UnaryOp.ADD_SCALAR, this, s); }

    public Tensor sub(double s) { return Elementwise.unary(UnaryOp.ADD_SCALAR, this, -s); }

    public Tensor mul(double s) { return Elementwise.unary(UnaryOp.MUL_SCALAR, this, s); }

    public Tensor div(double s) { return Elementwise.unary(UnaryOp.MUL_SCALAR, this, 1.0 / s); }

    public Tensor pow(double s) { return Elementwise.unary(UnaryOp.POW_SCALAR, this, s); }

    /** scalar / this */
    public Tensor rdiv(double s) { return Elementwise.unary(UnaryOp.RDIV_SCALAR, this, s); }

    public Tensor eq(double s) { return eq(scalarLike(s)); }

    public Tensor ne(double s) { return ne(scalarLike(s)); }

    public Tensor lt(double s) { return lt(scalarLike(s)); }

    public Tensor le(double s) { return le(scalarLike(s)); }

    public Tensor gt(double s) { return gt(scalarLike(s)); }

    public Tensor ge(double s) { return ge(scalarLike(s)); }

    public Tensor maximum(double s) { return maximum(scalarLike(s)); }

    public Tensor minimum(double s) { return minimum(scalarLike(s)); }

    /** A 0-d tensor of this tensor's dtype and device, for scalar comparisons. */
    public Tensor scalarLike(double s) { return full(device(), dtype(), s); }

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this, 0); }

    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this, 0); }

    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this, 0); }

    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this, 0); }

    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this, 0); }

    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this, 0); }

    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this, 0); }

    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this, 0); }

    /** PReLU with one weight or one per channel (dim 1). */
    public Tensor prelu(Tensor weight) { return Elementwise.prelu(this, weight); }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // ---- reductions -----------------------------------------------------------------------------------------
    public Tensor sum() { return Reductions.sum(this, allDims(), false); }

    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[] {dim}, keepDim); }

    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    public Tensor mean() { return Reductions.mean(this, allDims(), false); }

    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[] {dim}, keepDim); }

    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    /** {values, int64 indices} of the maximum along dim (first index on ties). */
    public Tensor[] max(int dim, boolean keepDim) { return Reductions.maxMin(this, dim, keepDim, true); }

    public Tensor[] min(int dim, boolean keepDim) { return Reductions.maxMin(this, dim, keepDim, false); }

    public Tensor max() { return Reductions.maxMin(reshape(-1), 0, false, true)[0]; }

    public Tensor min() { return Reductions.maxMin(reshape(-1), 0, false, false)[0]; }

    public Tensor argmax(int dim, boolean keepDim) { return Reductions.arg(this, dim, keepDim, ReduceOp.ARGMAX); }

    public Tensor argmin(int dim, boolean keepDim) { return Reductions.arg(this, dim, keepDim, ReduceOp.ARGMIN); }

    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }

    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    private int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ---- linear algebra, convolution, pooling ---------------------------------------------------------------
    public Tensor matmul(Tensor o) { return LinearOps.matmul(this, o); }

    /**
     * this [B,M,K] (float32 or float64) times w^T, w [B,N,K] float64, summed in float64: [B,M,N] float64 with the
     * bits of {@code to(FLOAT64).matmul(w.transpose(1, 2))}, without widening this when no gradient is needed.
     */
    public Tensor matmulT64(Tensor w) { return LinearOps.matmulT64(this, w); }

    public Tensor conv2d(Tensor weight, Tensor bias, Conv2dParams p) { return LinearOps.conv2d(this, weight, bias, p); }

    /**
     * relu?(conv2d(weight, bias) + residual), residual nullable: for inference the backend does it in one
     * pass; with gradients required it is the composed ops. Same values either way.
     */
    public Tensor conv2dFused(Tensor weight, Tensor bias, Tensor residual, boolean relu, Conv2dParams p) {
        return LinearOps.conv2dFused(this, weight, bias, residual, relu, p);
    }

    /**
     * relu?((((conv2d(weight, bias) * scale) + shift) + residual): as above with batch norm's eval transform per
     * output channel (scale and shift [O], both or neither), each step rounded as the separate ops round it.
     */
    public Tensor conv2dFused(Tensor weight, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu, Conv2dParams p) {
        return LinearOps.conv2dFused(this, weight, bias, scale, shift, residual, relu, p);
    }

    /**
     * {@link #conv2dFused(Tensor, Tensor, Tensor, Tensor, Tensor, boolean, Conv2dParams)} of cat(parts, 1) without
     * necessarily writing the concatenation (a backend may read the parts where they lie); the same bits.
     */
    public static Tensor conv2dFusedConcat(List<Tensor> parts, Tensor weight, Tensor bias, Tensor scale, Tensor shift, Tensor residual,
                                           boolean relu, Conv2dParams p) {
        return LinearOps.conv2dFusedConcat(parts, weight, bias, scale, shift, residual, relu, p);
    }

    public Tensor maxPool2d(Pool2dParams p) { return Pooling.maxPool2d(this, p); }

    public Tensor avgPool2d(Pool2dParams p) { return Pooling.avgPool2d(this, p); }

    public Tensor adaptiveAvgPool2d(int outH, int outW) { return Pooling.adaptiveAvgPool2d(this, outH, outW); }

    // ---- joining and indexing -------------------------------------------------------------------------------
    public static Tensor cat(List<Tensor> parts, int dim) { return Indexing.cat(parts, dim); }

    public static Tensor stack(List<Tensor> parts, int dim) { return Indexing.stack(parts, dim); }

    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }

    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** Out-of-place scatter (write) of src along dim at index. */
    public Tensor scatter(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, false); }

    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatter(this, dim, index, src, true); }

    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    public Tensor maskedSelect(Tensor mask) { return Indexing.maskedSelect(this, mask); }

    /** Out-of-place masked fill with a scalar. */
    public Tensor maskedFill(Tensor mask, double value) { return where(mask, scalarLike(value), this); }

    /** {values, int64 indices}, stable. */
    public Tensor[] sort(int dim, boolean descending) { return Indexing.sort(this, dim, descending); }

    public Tensor argsort(int dim, boolean descending) { return Indexing.sort(this, dim, descending)[1]; }

    /** {values, int64 indices} of the k largest (or smallest), sorted; ties: lower index first. */
    public Tensor[] topk(int k, int dim, boolean largest) { return Indexing.topk(this, k, dim, largest); }

    /** {values, int64 indices}: the lower median along dim, as torch.median(dim). */
    public Tensor[] median(int dim, boolean keepDim) { return Indexing.median(this, dim, keepDim); }

    // ---- package helpers ------------------------------------------------------------------------------------
    int[] shapeRef() { return shape; }

    int[] stridesRef() { return strides; }

    /** Same-shape check used by ops; names the op. */
    void checkSameShape(String op, Tensor other) {
        if (!Arrays.equals(shape, other.shape))
            throw new TensorException(op + ": shapes " + Shapes.str(shape) + " and " + Shapes.str(other.shape) + " must match");
    }
}
