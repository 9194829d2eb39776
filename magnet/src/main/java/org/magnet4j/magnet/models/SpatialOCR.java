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
        // conv_bn_dropout over cat(context, feats), read where the two lie (no 134 MB concatenation per 256x128 patch)
        Tensor out = convBnDropout.forwardConcat(List.of(context, feats));
        context.release(); // inference: its memory serves later outputs
        return out;
    }
}
