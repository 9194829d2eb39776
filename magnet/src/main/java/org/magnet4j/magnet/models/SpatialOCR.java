package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's distribution head: object context from {@link ObjectAttentionBlock}, concatenated before the
 * pixel features, then {@code conv_bn_dropout} (1x1 conv 2C→out + BN + ReLU; its Dropout2d(0.05) is
 * the identity at inference and is not applied in training either: the MagNet backbone is frozen).
 */
public final class SpatialOCR extends Module {
    private final ObjectAttentionBlock objectContext;
    private final ConvBnReluStack convBnDropout;

    public SpatialOCR(int inChannels, int keyChannels, int outChannels) {
        objectContext = child("object_context_block", new ObjectAttentionBlock(inChannels, keyChannels));
        convBnDropout = child("conv_bn_dropout", new ConvBnReluStack(2 * inChannels, outChannels));
    }

    public Tensor forward(Tensor feats, Tensor proxy) {
        Tensor context = objectContext.forward(feats, proxy);
        return convBnDropout.forward(Tensor.cat(List.of(context, feats), 1));
    }
}
