package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.functional.F;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * A convolution followed by a batch norm, both registered by their owner under PyTorch's names. Applies
 * them one after the other, or, when batch-norm folding is on and the norm is in eval mode, as one
 * convolution with the folded weight {@code w * gamma / sqrt(var + eps)} and bias
 * {@code beta + (b - mean) * gamma / sqrt(var + eps)}. The folded pair is computed in float64 and cached
 * until any of the tensors it came from is replaced (state-dict load, dtype or device move).
 * <p>
 * Unfolded (the default) in eval mode without gradients, the norm's multiply and add, and any residual add and ReLU,
 * ride in the convolution's epilogue in the separate ops' float order: the same bits as conv, then batch norm, then
 * add, then ReLU, in one pass over the output instead of up to five (the separate passes took about a fifth of the
 * Cityscapes pipeline). The norm's scale and shift are computed as the separate batch norm computes them, and kept
 * until any of its tensors is replaced.
 */
public final class ConvBn {
    private final Conv2d conv;
    private final BatchNorm2d bn;
    private boolean folding;
    private Tensor[] source; // the tensors the cache was computed from
    private Tensor foldedWeight, foldedBias;
    private Tensor[] affineSource, affine; // the eval norm's {scale, shift} and the tensors they came from

    public ConvBn(Conv2d conv, BatchNorm2d bn) {
        this.conv = conv;
        this.bn = bn;
    }

    public Conv2d conv() { return conv; }

    public BatchNorm2d bn() { return bn; }

    public boolean folding() { return folding; }

    /** Turns folding on or off; it only takes effect while the batch norm is in eval mode. */
    public void setFolding(boolean on) {
        folding = on;
        if (!on) source = null;
    }

    public Tensor apply(Tensor x) {
        if (!folding || bn.isTraining()) {
            if (fusesUnfolded()) return convBnFused(x, null, false);
            Tensor c = conv.forward(x), y = bn.forward(c);
            if (y != c) c.release(); // inference: intermediates' memory serves later outputs (see Tensor.release)
            return y;
        }
        refreshFolded();
        return x.conv2d(foldedWeight, foldedBias, conv.params);
    }

    /** apply(x).relu(); one fused convolution pass when folded. */
    public Tensor applyRelu(Tensor x) { return applyThen(x, null, true); }

    /**
     * applyRelu(cat(parts, 1)). Without gradients (folded, or unfolded in eval) the convolution reads the parts where
     * they lie instead of concatenating them first (same bits); otherwise the concatenation, then applyRelu.
     */
    public Tensor applyReluConcat(List<Tensor> parts) {
        boolean folded = folding && !bn.isTraining();
        if (GradMode.isEnabled() || !(folded || fusesUnfolded())) {
            Tensor x = Tensor.cat(parts, 1), y = applyRelu(x);
            x.release(); // inference: its memory serves a later output
            return y;
        }
        if (folded) {
            refreshFolded();
            return Tensor.conv2dFusedConcat(parts, foldedWeight, foldedBias, null, null, null, true, conv.params);
        }
        Tensor[] affine = evalAffine();
        return Tensor.conv2dFusedConcat(parts, conv.weight(), conv.bias(), affine[0], affine[1], null, true, conv.params);
    }

    /** apply(x).add(residual).relu(); one fused convolution pass when folded. */
    public Tensor applyAddRelu(Tensor x, Tensor residual) { return applyThen(x, residual, true); }

    /**
     * Unfolded (the default, which must reproduce the reference bit for bit), this is the separate ops.
     * Folded, the bias, residual and ReLU ride in the convolution's epilogue: same float order, same bits;
     * the tensor front end falls back to the separate ops itself when a gradient is needed.
     */
    private Tensor applyThen(Tensor x, Tensor residual, boolean relu) {
        if (!folding || bn.isTraining()) {
            if (fusesUnfolded()) return convBnFused(x, residual, relu);
            Tensor y = apply(x);
            if (residual != null) {
                Tensor sum = y.add(residual);
                y.release();
                y = sum;
            }
            if (!relu) return y;
            Tensor out = y.relu();
            y.release();
            return out;
        }
        refreshFolded();
        return x.conv2dFused(foldedWeight, foldedBias, residual, relu, conv.params);
    }

    /** Whether the unfolded norm (and what follows it) can ride in the convolution's epilogue: eval, no gradients. */
    private boolean fusesUnfolded() { return FUSE_UNFOLDED && !bn.isTraining() && !GradMode.isEnabled(); }

    /** -Dmagnet.fuseBn=false runs the unfolded norm as separate ops (for comparisons; the bits are the same). */
    private static final boolean FUSE_UNFOLDED = !"false".equalsIgnoreCase(System.getProperty("magnet.fuseBn", ""));

    /** relu?(bn(conv(x)) + residual) in one convolution pass, with the eval norm's own scale and shift. */
    private Tensor convBnFused(Tensor x, Tensor residual, boolean relu) {
        Tensor[] affine = evalAffine();
        return x.conv2dFused(conv.weight(), conv.bias(), affine[0], affine[1], residual, relu, conv.params);
    }

    /**
     * The eval norm's {scale, shift}, as its own forward computes them, kept while its four tensors are the same
     * objects: tensors are never written in place (a state-dict load, an optimiser step, a running-statistics update
     * or a move replaces them), so the same objects hold the same values. Recomputing them cost seven kernel launches
     * per convolution on a GPU (one since they are one kernel) for 19 to 512 numbers.
     */
    private Tensor[] evalAffine() {
        Tensor[] now = {bn.runningMean(), bn.runningVar(), bn.weight(), bn.bias()};
        if (affine == null || !sameObjects(affineSource, now)) {
            affine = F.batchNormEvalAffine(now[0], now[1], now[2], now[3], bn.eps);
            affineSource = now;
        }
        return affine;
    }

    private void refreshFolded() {
        Tensor[] now = {conv.weight(), conv.bias(), bn.weight(), bn.bias(), bn.runningMean(), bn.runningVar()};
        if (source != null && sameObjects(source, now)) return;
        try (var g = GradMode.noGrad()) {
            DType dt = conv.weight().dtype();
            Tensor scale = bn.runningVar().to(DType.FLOAT64).add(bn.eps).sqrt().rdiv(1.0).mul(bn.weight().to(DType.FLOAT64));
            Tensor w = conv.weight().to(DType.FLOAT64).mul(scale.reshape(-1, 1, 1, 1));
            Tensor b = conv.bias() == null ? bn.runningMean().to(DType.FLOAT64).neg()
                    : conv.bias().to(DType.FLOAT64).sub(bn.runningMean().to(DType.FLOAT64));
            b = b.mul(scale).add(bn.bias().to(DType.FLOAT64));
            foldedWeight = w.to(dt).detach();
            foldedBias = b.to(dt).detach();
        }
        source = now;
    }

    private static boolean sameObjects(Tensor[] a, Tensor[] b) {
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
        return true;
    }
}
