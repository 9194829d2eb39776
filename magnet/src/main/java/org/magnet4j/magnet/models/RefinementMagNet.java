package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * MagNet's refinement module: fuses a fine and a coarse C-class prediction of the same patch into
 * refined logits. cat(fine, coarse) (2C channels), [bn0], conv3x3 2C→64 + bn1 + ReLU, conv3x3 64→64 +
 * bn2 + ReLU, two bottlenecks (planes 32, the first with a 64→128 downsample) as {@code residual.0/1},
 * 1x1 conv 128→C ({@code seg_conv}). Convs have no bias; BN momentum 0.01, eps 1e-5. With
 * {@code useBn = true}: 103,500 parameters for C = 19.
 *
 * <p>{@code useBn} only controls {@code bn0}, the normalisation of the concatenated input (as in the
 * reference, whose {@code use_bn} flag guards only {@code bn0}); every conv keeps its batch norm either
 * way. Without it the state dict simply has no {@code bn0.*} entries.
 */
public final class RefinementMagNet extends FoldableModule {
    public static final double BN_MOMENTUM = 0.01;
    public final int numClasses;
    public final boolean useBn;
    private final BatchNorm2d bn0;
    private final ConvBn c1, c2;
    private final Sequential residual;
    private final Conv2d segConv;

    public RefinementMagNet(int numClasses, boolean useBn) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        this.numClasses = numClasses;
        this.useBn = useBn;
        bn0 = useBn ? child("bn0", Layers.bn(2 * numClasses, BN_MOMENTUM)) : null;
        Conv2d conv1 = child("conv1", Layers.conv3x3(2 * numClasses, 64, 1, false));
        BatchNorm2d bn1 = child("bn1", Layers.bn(64, BN_MOMENTUM));
        Conv2d conv2 = child("conv2", Layers.conv3x3(64, 64, 1, false));
        BatchNorm2d bn2 = child("bn2", Layers.bn(64, BN_MOMENTUM));
        c1 = pair(conv1, bn1);
        c2 = pair(conv2, bn2);
        residual = child("residual", new Sequential(
                new Bottleneck(64, 32, 1, BN_MOMENTUM),
                new Bottleneck(32 * Bottleneck.EXPANSION, 32, 1, BN_MOMENTUM)));
        segConv = child("seg_conv", Layers.conv1x1(32 * Bottleneck.EXPANSION, numClasses, 1, false));
    }

    public RefinementMagNet(int numClasses) { this(numClasses, true); }

    /** Refined logits [N,C,H,W] from the fine and coarse predictions (concatenated in that order). */
    public Tensor forward(Tensor fine, Tensor coarse) {
        check("fine", fine);
        check("coarse", coarse);
        if (fine.size(0) != coarse.size(0) || fine.size(2) != coarse.size(2) || fine.size(3) != coarse.size(3))
            throw new TensorException("refinement: fine " + fine.describe() + " and coarse " + coarse.describe() + " must have the same batch and spatial size");
        // Inference releases each intermediate once consumed (a no-op when gradients are recorded): kept, they held
        // pooled buffers of the lengths HRNet's next forward asks for, which it then allocated afresh (the pipeline
        // allocated 80 MB a patch instead of about 30).
        Tensor x = Tensor.cat(List.of(fine, coarse), 1);
        if (bn0 != null) x = Tensor.releaseConsumed(x, bn0.forward(x));
        x = Tensor.releaseConsumed(x, c1.applyRelu(x));
        x = Tensor.releaseConsumed(x, c2.applyRelu(x));
        x = Tensor.releaseConsumed(x, residual.forward(x));
        return Tensor.releaseConsumed(x, segConv.forward(x));
    }

    private void check(String what, Tensor t) {
        if (t.dim() != 4 || t.size(1) != numClasses)
            throw new TensorException("refinement: " + what + " prediction must be [N," + numClasses + ",H,W], got " + t.describe());
    }

    /** For modules composed generically; the refinement module takes two inputs. */
    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("RefinementMagNet takes two inputs: forward(fine, coarse)");
    }

}
