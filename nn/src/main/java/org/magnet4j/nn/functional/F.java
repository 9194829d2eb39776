package org.magnet4j.nn.functional;

import org.magnet4j.nn.Parameter;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * Functional batch norm (torch.nn.functional.batch_norm). The other functional forms live next to it:
 * {@link Resample} (interpolate, grid_sample, roi_align), {@link MedianBlur}, {@link Activations} (softmax,
 * top-k, one-hot), {@link Dropouts}; losses are in {@code org.magnet4j.nn.loss}.
 */
public final class F {
    private F() {}

    /** Output plus the batch statistics a training step needs for the running update. */
    public record BatchNormResult(Tensor output, Tensor mean, Tensor biasedVar, int count) {}

    private static Tensor perChannel(Tensor v) { return v.reshape(1, -1, 1, 1); }

    private static void checkBn(Tensor x, Tensor w) {
        if (x.dim() != 4) throw new TensorException("batch_norm: input must be [N,C,H,W], got " + x.describe());
        if (w != null && w.numel() != x.size(1))
            throw new TensorException("batch_norm: " + w.numel() + " weights for input " + x.describe() + " with " + x.size(1) + " channels");
    }

    public static Tensor batchNormEval(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        checkBn(x, weight);
        Tensor[] affine = batchNormEvalAffine(mean, var, weight, bias, eps);
        Tensor scale = affine[0], shift = affine[1];
        Tensor scaled = x.mul(perChannel(scale)), out = scaled.add(perChannel(shift));
        scaled.release(); // inference: its memory serves a later output (no-op while gradients are recorded)
        return out;
    }

    /**
     * Eval batch norm as y = x * scale + shift per channel (a multiply, then an add, each rounded): {scale, shift}
     * with scale = weight / sqrt(var + eps) and shift = bias - mean * scale, in the statistics' dtype. A convolution
     * can apply them in its epilogue ({@code Tensor.conv2dFused}) and give the bits of {@link #batchNormEval}.
     */
    public static Tensor[] batchNormEvalAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        if (oneBackendCall(mean, var, weight, bias))
            try (var g = GradMode.noGrad()) {
                return mean.backend().batchNormEvalAffine(mean, var, weight, bias, eps); // a device may do it in one kernel
            }
        Tensor scale = var.add(eps).sqrt().rdiv(1.0);
        if (weight != null) scale = scale.mul(weight);
        Tensor shift = mean.mul(scale).neg();
        if (bias != null) shift = shift.add(bias);
        return new Tensor[] {scale, shift};
    }

    /** No gradient to record, and the statistics alike: [C] vectors of one floating dtype on one device. */
    private static boolean oneBackendCall(Tensor mean, Tensor var, Tensor weight, Tensor bias) {
        boolean grad = GradMode.isEnabled() && (mean.requiresGrad() || var.requiresGrad()
                || weight != null && weight.requiresGrad() || bias != null && bias.requiresGrad());
        if (grad || mean.dim() != 1 || !mean.dtype().isFloating()) return false;
        for (Tensor t : new Tensor[] {var, weight, bias})
            if (t != null && (t.dim() != 1 || t.numel() != mean.numel() || t.dtype() != mean.dtype() || !t.device().equals(mean.device()))) return false;
        return true;
    }

    public static BatchNormResult batchNormTrain(Tensor x, Tensor weight, Tensor bias, double eps) {
        checkBn(x, weight);
        int[] dims = {0, 2, 3};
        int count = x.size(0) * x.size(2) * x.size(3);
        if (count <= 1) throw new TensorException("batch_norm: training needs more than one value per channel, got input " + x.describe());
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor var = centered.mul(centered).mean(dims, true);
        Tensor y = centered.mul(var.add(eps).sqrt().rdiv(1.0));
        if (weight != null) y = y.mul(perChannel(weight));
        if (bias != null) y = y.add(perChannel(bias));
        return new BatchNormResult(y, mean.reshape(-1), var.reshape(-1), count);
    }

    /** PyTorch's update: new = (1-m)*old + m*stat, with the unbiased variance n/(n-1). */
    public static void updateRunningStats(Parameter runningMean, Parameter runningVar, BatchNormResult r, double momentum) {
        try (var g = GradMode.noGrad()) {
            Tensor m = r.mean().detach().to(runningMean.value().dtype());
            Tensor v = r.biasedVar().detach().mul((double) r.count() / (r.count() - 1)).to(runningVar.value().dtype());
            runningMean.set(runningMean.value().mul(1 - momentum).add(m.mul(momentum)));
            runningVar.set(runningVar.value().mul(1 - momentum).add(v.mul(momentum)));
        }
    }
}
