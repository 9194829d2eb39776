package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's distribution head: object context from {@link ObjectAttentionBlock}, concatenated before the
 * pixel features, then {@code conv_bn_dropout} (1x1 conv 2C→out + BN + ReLU + Dropout2d(0.05), the
 * dropout being the identity in eval mode).
 */
public final class SpatialOCR extends Module {
    public static final double DROPOUT = 0.05;
    private final ObjectAttentionBlock objectContext;
    private final ConvBnReluStack convBnDropout;

    public SpatialOCR(int inChannels, int keyChannels, int outChannels) {
        objectContext = child("object_context_block", new ObjectAttentionBlock(inChannels, keyChannels));
        convBnDropout = child("conv_bn_dropout", new ConvBnReluStack(DROPOUT, 2 * inChannels, outChannels));
    }

    public Tensor forward(Tensor feats, Tensor proxy) {
        Tensor context = objectContext.forward(feats, proxy);
        Tensor both = Tensor.cat(List.of(context, feats), 1);
        context.release(); // inference: both intermediates' memory serves later outputs
        Tensor out = convBnDropout.forward(both);
        both.release();
        return out;
    }
}
