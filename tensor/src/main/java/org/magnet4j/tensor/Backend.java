package org.magnet4j.tensor;

/**
 * The operations a device must supply. Every tensor op in the front end ({@link Tensor}, {@code nn}) is
 * defined once in terms of these, so a new device implements this interface and nothing else.
 *
 * <p>Conventions: inputs may be arbitrary strided views unless a method says otherwise; outputs are new,
 * contiguous tensors on this backend. Shape checks happen in the front end before a backend is called,
 * so implementations may assume valid arguments. Methods with a default are derived from the others;
 * a backend overrides them when it has a faster kernel.
 */
public interface Backend {
    Device device();

    /** Waits until every operation queued on this device has finished: a timing boundary (CPU ops run synchronously). */
    default void synchronize() {}

    // ---- memory ---------------------------------------------------------------------------------------------
    /** A zero-filled storage. */
    Storage allocate(DType dtype, int numel);

    /**
     * As {@link #allocate} for an output the caller overwrites entirely: the contents are unspecified (the
     * backend may hand out memory given back by {@link #recycle}).
     */
    default Storage allocateUninitialized(DType dtype, int numel) { return allocate(dtype, numel); }

    /** Takes back the memory of a storage that no tensor will use again ({@link Tensor#release()}); may ignore it. */
    default void recycle(Storage storage) {}

    /** Copies a Java array (float[], double[], long[], int[], byte[] for uint8/bool, short[] for half types). */
    Storage upload(Object javaArray, DType dtype);

    /** Copies a tensor's elements, row-major over its view, into a new Java array of its dtype's kind. */
    Object download(Tensor t);

    /** Copies src (any view, any dtype) into dst (any view, same shape), converting the dtype. */
    void copyInto(Tensor src, Tensor dst);

    /** Fills a view with one value. */
    void fill(Tensor dst, double value);

    // ---- elementwise ----------------------------------------------------------------------------------------
    Tensor unary(UnaryOp op, Tensor x, double scalar);

    /** a and b have the same shape (broadcast already applied through zero strides) and the same dtype. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** cond is BOOL; all three have the same shape; a and b the same dtype. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    // ---- reductions -----------------------------------------------------------------------------------------
    /** Reduces one dim, keeping it with size 1. ARGMAX/ARGMIN give INT64 (first index on ties, as PyTorch). */
    Tensor reduce(ReduceOp op, Tensor x, int dim);

    /** (log-)softmax along dim. */
    Tensor softmax(Tensor x, int dim, boolean log);

    /** Gradient of (log-)softmax given its output y and the output gradient gy. */
    Tensor softmaxBackward(Tensor y, Tensor gy, int dim, boolean log);

    // ---- linear algebra and convolution ---------------------------------------------------------------------
    /** Batched product: a [B,M,K] x b [B,K,N] -> [B,M,N]. */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * x [B,M,K] (float32 or float64) times w^T, w [B,N,K] float64: [B,M,N] float64, each element summed over k in
     * order, a product then an add, from zero; the bits of x.to(FLOAT64) matmul w^T, which is this default. A
     * backend may compute it without writing x in float64. Records no gradient.
     */
    default Tensor matmulT64(Tensor x, Tensor w) {
        return matmul(x.dtype() == DType.FLOAT64 ? x : x.to(DType.FLOAT64), w.transpose(1, 2).contiguous());
    }

    /**
     * Eval batch norm's per-channel {scale, shift}: scale = (1 / sqrt(var + eps)) * weight, shift = -(mean * scale) +
     * bias (weight and bias may be null), each step rounded in the inputs' dtype as the separate ops round it. All
     * [C], same dtype, on this backend. Records no gradient. A backend may compute it in one kernel (same bits).
     */
    default Tensor[] batchNormEvalAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        Tensor scale = unary(UnaryOp.RDIV_SCALAR, unary(UnaryOp.SQRT, unary(UnaryOp.ADD_SCALAR, var, eps), 0), 1.0);
        if (weight != null) scale = binary(BinaryOp.MUL, scale, weight);
        Tensor shift = unary(UnaryOp.NEG, binary(BinaryOp.MUL, mean, scale), 0);
        if (bias != null) shift = binary(BinaryOp.ADD, shift, bias);
        return new Tensor[] {scale, shift};
    }

    /** x [N,C,H,W], w [O,C/g,kH,kW], bias [O] or null. */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p);

    /**
     * Inference convolution with its epilogue: relu?(conv2d(x, w, bias) + residual). residual is null or has
     * the output's shape and dtype. The float order (GEMM, + bias, + residual, ReLU) is that of the composed
     * ops, so a backend that fuses them must give the same bits. Records no gradient.
     */
    default Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor residual, boolean relu, Conv2dParams p) {
        return conv2dFused(x, w, bias, null, null, residual, relu, p);
    }

    /**
     * As above with a per-output-channel affine between the bias and the residual, batch norm's eval transform:
     * relu?((((conv2d(x, w, bias) * scale[c]) + shift[c]) + residual), scale and shift [O] (both or neither). The float
     * order is that of the composed ops (a multiply, then an add, each rounded), so a fusing backend gives their bits.
     */
    default Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu, Conv2dParams p) {
        Tensor y = conv2d(x, w, bias, p);
        if (scale != null) y = y.mul(scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1));
        if (residual != null) y = binary(BinaryOp.ADD, y, residual);
        return relu ? unary(UnaryOp.RELU, y, 0) : y;
    }

    /**
     * {@link #conv2dFused} over the channel concatenation of parts (all on this backend, same dtype, batch and size),
     * as if they had been concatenated first; a backend may read the parts where they lie instead. Same bits.
     */
    default Tensor conv2dFusedConcat(java.util.List<Tensor> parts, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual,
                                     boolean relu, Conv2dParams p) {
        Tensor x = Tensor.cat(parts, 1);
        Tensor y = conv2dFused(x, w, bias, scale, shift, residual, relu, p);
        x.release();
        return y;
    }

    Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] inputShape, Conv2dParams p);

    Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] weightShape, Conv2dParams p);

    // ---- pooling --------------------------------------------------------------------------------------------
    /** Returns {output, indices}; indices are INT64 flat positions within each input plane, as PyTorch. */
    Tensor[] maxPool2d(Tensor x, Pool2dParams p);

    Tensor maxPool2dBackward(Tensor gy, Tensor indices, int[] inputShape);

    /** The output of {@link #maxPool2d} alone, for when no gradient will be taken (same values, bit for bit). */
    default Tensor maxPool2dValues(Tensor x, Pool2dParams p) { return maxPool2d(x, p)[0]; }

    Tensor avgPool2d(Tensor x, Pool2dParams p);

    Tensor avgPool2dBackward(Tensor gy, int[] inputShape, Pool2dParams p);

    Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW);

    Tensor adaptiveAvgPool2dBackward(Tensor gy, int[] inputShape);

    // ---- indexing -------------------------------------------------------------------------------------------
    /** out[i][j][k] = x[index[i][j][k]][j][k] for dim 0, and so on (torch.gather). index is INT64. */
    Tensor gather(Tensor x, int dim, Tensor index);

    /** A copy of base where, along dim, src values are added (accumulate) or written at index. */
    Tensor scatter(Tensor base, int dim, Tensor index, Tensor src, boolean accumulate);

    /** Elements of x where mask (BOOL, same shape) is true, as a 1-D tensor in row-major order. */
    Tensor maskedSelect(Tensor x, Tensor mask);

    /** A copy of base with the masked positions filled, in row-major order, from the 1-D src. */
    Tensor maskedScatter(Tensor base, Tensor mask, Tensor src);

    /** Stable sort along dim; returns {values, INT64 indices}. Ascending keeps equal values in index order. */
    Tensor[] sort(Tensor x, int dim, boolean descending);

    /**
     * The k largest (or smallest) along dim, sorted, ties broken by lower index first; returns {values, indices}.
     */
    default Tensor[] topk(Tensor x, int k, int dim, boolean largest) {
        Tensor[] s = sort(x, dim, largest);
        return new Tensor[] {s[0].narrow(dim, 0, k).contiguous(), s[1].narrow(dim, 0, k).contiguous()};
    }

    /** Lower median along dim (the ((n-1)/2)-th smallest), as PyTorch; returns {values, indices}. */
    default Tensor[] median(Tensor x, int dim) {
        Tensor[] s = sort(x, dim, false);
        int m = (x.shape()[dim] - 1) / 2;
        return new Tensor[] {s[0].narrow(dim, m, 1).contiguous(), s[1].narrow(dim, m, 1).contiguous()};
    }

    /** im2col: x [N,C,H,W] -> [N, C*kH*kW, outH*outW] with zero padding (torch.nn.functional.unfold). */
    Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p);

    // ---- spatial sampling -----------------------------------------------------------------------------------
    /** x [N,C,H,W] -> [N,C,outH,outW]. scaleH/scaleW are the user's scale factors or 0 when sizes were given. */
    Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners, double scaleH, double scaleW);

    Tensor interpolateBackward(Tensor gy, int[] inputShape, InterpMode mode, boolean alignCorners, double scaleH, double scaleW);

    /** Bilinear grid_sample with zero padding; x [N,C,H,W], grid [N,Ho,Wo,2] -> [N,C,Ho,Wo]. */
    Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners);

    /** Returns {grad x, grad grid}. */
    Tensor[] gridSampleBackward(Tensor gy, Tensor x, Tensor grid, boolean alignCorners);

    /** torchvision roi_align; boxes [K,5] = (batch index, x1, y1, x2, y2) -> [K,C,outH,outW]. */
    Tensor roiAlign(Tensor x, Tensor boxes, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned);

    Tensor roiAlignBackward(Tensor gy, Tensor boxes, int[] inputShape, double spatialScale, int samplingRatio, boolean aligned);
}
