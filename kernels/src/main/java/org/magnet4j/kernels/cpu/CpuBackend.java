package org.magnet4j.kernels.cpu;

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

/** The pure-Java backend: heap arrays, one shared thread pool, Vector API in the hot kernels. */
public final class CpuBackend implements Backend {
    private final FloatArrayPool pool = FloatArrayPool.forThisHeap();

    @Override public Device device() { return Device.CPU; }

    @Override public Storage allocate(DType dtype, int numel) {
        return new CpuStorage(this, dtype, CpuStorage.newArray(dtype, numel), numel);
    }

    /** A new contiguous, zero-filled tensor. */
    Tensor empty(DType dtype, int... shape) { return Tensor.of(allocate(dtype, Shapes.numel(shape)), shape); }

    /** A new contiguous tensor with unspecified contents (perhaps a released tensor's): every element must be written. */
    Tensor uninitialized(DType dtype, int... shape) { return Tensor.of(allocateUninitialized(dtype, Shapes.numel(shape)), shape); }

    @Override public Storage allocateUninitialized(DType dtype, int numel) {
        float[] a = dtype == DType.FLOAT32 && numel >= FloatArrayPool.MIN_LENGTH ? pool.take(numel) : null;
        return a == null ? allocate(dtype, numel) : new CpuStorage(this, dtype, a, numel);
    }

    @Override public void recycle(Storage storage) {
        if (storage instanceof CpuStorage s && s.array instanceof float[] a && a.length == s.numel()) pool.give(a);
    }

    /** Bytes of released float32 buffers waiting for reuse. */
    public long pooledBytes() { return pool.pooledBytes(); }

    @Override public Storage upload(Object javaArray, DType dtype) {
        Class<?> want = CpuStorage.arrayClass(dtype);
        if (javaArray.getClass() != want)
            throw new TensorException("upload: " + dtype + " needs a " + want.getSimpleName() + ", got " + javaArray.getClass().getSimpleName());
        int n = java.lang.reflect.Array.getLength(javaArray);
        Object copy = CpuStorage.newArray(dtype, n);
        System.arraycopy(javaArray, 0, copy, 0, n);
        return new CpuStorage(this, dtype, copy, n);
    }

    @Override public Object download(Tensor t) { return CopyKernels.download(t); }

    @Override public void copyInto(Tensor src, Tensor dst) {
        Tensor s = src.device().equals(dst.device()) ? src : src.to(dst.device());
        CopyKernels.copyInto(s, dst);
    }

    @Override public void fill(Tensor dst, double value) { CopyKernels.fill(dst, value); }

    @Override public Tensor unary(UnaryOp op, Tensor x, double scalar) { return ElementwiseKernels.unary(this, op, x, scalar); }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return ElementwiseKernels.binary(this, op, a, b); }

    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { return ElementwiseKernels.where(this, cond, a, b); }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int dim) { return ReduceKernels.reduce(this, op, x, dim); }

    @Override public Tensor softmax(Tensor x, int dim, boolean log) { return ReduceKernels.softmax(this, x, dim, log); }

    @Override public Tensor softmaxBackward(Tensor y, Tensor gy, int dim, boolean log) {
        return ReduceKernels.softmaxBackward(this, y, gy, dim, log);
    }

    @Override public Tensor matmul(Tensor a, Tensor b) { return LinearKernels.matmul(this, a, b); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) { return LinearKernels.conv2d(this, x, w, bias, p); }

    @Override public Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu,
                                        Conv2dParams p) {
        return LinearKernels.conv2d(this, x, w, bias, scale, shift, residual, relu, p);
    }

    @Override public Tensor conv2dFusedConcat(java.util.List<Tensor> parts, Tensor w, Tensor bias, Tensor scale, Tensor shift,
                                              Tensor residual, boolean relu, Conv2dParams p) {
        Tensor out = LinearKernels.conv2dConcat(this, parts, w, bias, scale, shift, residual, relu, p);
        return out != null ? out : Backend.super.conv2dFusedConcat(parts, w, bias, scale, shift, residual, relu, p);
    }

    @Override public Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] inputShape, Conv2dParams p) {
        return LinearKernels.conv2dBackwardInput(this, gy, w, inputShape, p);
    }

    @Override public Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] weightShape, Conv2dParams p) {
        return LinearKernels.conv2dBackwardWeight(this, gy, x, weightShape, p);
    }

    @Override public Tensor[] maxPool2d(Tensor x, Pool2dParams p) { return PoolKernels.maxPool2d(this, x, p); }

    @Override public Tensor matmulT64(Tensor x, Tensor w) { return MatmulT64Kernels.matmulT64(this, x, w); }

    @Override public Tensor maxPool2dValues(Tensor x, Pool2dParams p) { return PoolKernels.maxPool2dValues(this, x, p); }

    @Override public Tensor maxPool2dBackward(Tensor gy, Tensor indices, int[] inputShape) {
        return PoolKernels.maxPool2dBackward(this, gy, indices, inputShape);
    }

    @Override public Tensor avgPool2d(Tensor x, Pool2dParams p) { return PoolKernels.avgPool2d(this, x, p); }

    @Override public Tensor avgPool2dBackward(Tensor gy, int[] inputShape, Pool2dParams p) {
        return PoolKernels.avgPool2dBackward(this, gy, inputShape, p);
    }

    @Override public Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) { return PoolKernels.adaptiveAvgPool2d(this, x, outH, outW); }

    @Override public Tensor adaptiveAvgPool2dBackward(Tensor gy, int[] inputShape) {
        return PoolKernels.adaptiveAvgPool2dBackward(this, gy, inputShape);
    }

    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return IndexKernels.gather(this, x, dim, index); }

    @Override public Tensor scatter(Tensor base, int dim, Tensor index, Tensor src, boolean accumulate) {
        return IndexKernels.scatter(this, base, dim, index, src, accumulate);
    }

    @Override public Tensor maskedSelect(Tensor x, Tensor mask) { return IndexKernels.maskedSelect(this, x, mask); }

    @Override public Tensor maskedScatter(Tensor base, Tensor mask, Tensor src) { return IndexKernels.maskedScatter(this, base, mask, src); }

    @Override public Tensor[] sort(Tensor x, int dim, boolean descending) { return SortKernels.sort(this, x, dim, descending); }

    @Override public Tensor[] topk(Tensor x, int k, int dim, boolean largest) { return SortKernels.topk(this, x, k, dim, largest); }

    @Override public Tensor[] median(Tensor x, int dim) { return SortKernels.median(this, x, dim); }

    @Override public Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) { return LinearKernels.unfold(this, x, kH, kW, p); }

    @Override public Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners, double scaleH, double scaleW) {
        return SamplingKernels.interpolate(this, x, outH, outW, mode, alignCorners, scaleH, scaleW);
    }

    @Override public Tensor interpolateBackward(Tensor gy, int[] inputShape, InterpMode mode, boolean alignCorners, double scaleH, double scaleW) {
        return SamplingKernels.interpolateBackward(this, gy, inputShape, mode, alignCorners, scaleH, scaleW);
    }

    @Override public Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) { return SamplingKernels.gridSample(this, x, grid, alignCorners); }

    @Override public Tensor[] gridSampleBackward(Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        return SamplingKernels.gridSampleBackward(this, gy, x, grid, alignCorners);
    }

    @Override public Tensor roiAlign(Tensor x, Tensor boxes, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned) {
        return SamplingKernels.roiAlign(this, x, boxes, outH, outW, spatialScale, samplingRatio, aligned);
    }

    @Override public Tensor roiAlignBackward(Tensor gy, Tensor boxes, int[] inputShape, double spatialScale, int samplingRatio, boolean aligned) {
        return SamplingKernels.roiAlignBackward(this, gy, boxes, inputShape, spatialScale, samplingRatio, aligned);
    }
}
