package org.magnet4j.nn.functional;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/** softmax, log_softmax, top-k and one-hot helpers. */
public final class Activations {
    private Activations() {}

    public static Tensor softmax(Tensor x, int dim) { return x.softmax(dim); }

    public static Tensor logSoftmax(Tensor x, int dim) { return x.logSoftmax(dim); }

    /** Class probabilities of [N,C,H,W] logits (softmax over dim 1). */
    public static Tensor classProbabilities(Tensor logits) {
        if (logits.dim() < 2) throw new TensorException("class probabilities: logits need a class dim 1, got " + logits.describe());
        return logits.softmax(1);
    }

    /** torch.topk(x, k, dim, largest, sorted=True): {values, int64 indices}. */
    public static Tensor[] topk(Tensor x, int k, int dim, boolean largest) { return x.topk(k, dim, largest); }

    /**
     * F.one_hot: int64 labels of any shape to int64 [..., numClasses]. Every label must lie in [0, numClasses).
     */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        if (labels.dtype() != DType.INT64) throw new TensorException("one_hot: labels must be int64, got " + labels.describe());
        if (numClasses <= 0) throw new TensorException("one_hot: numClasses must be positive, got " + numClasses);
        int[] shape = labels.shape();
        int[] outShape = java.util.Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = numClasses;
        Tensor idx = labels.unsqueeze(labels.dim()).contiguous();
        Tensor ones = Tensor.full(labels.device(), DType.INT64, 1, idx.shape());
        return Tensor.zeros(labels.device(), DType.INT64, outShape).scatter(labels.dim(), idx, ones);
    }
}
