package org.magnet4j.magnet.models;

import java.util.List;

import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.MaxPool2d;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * ResNet feature extractor in torchvision's layout (v1.5: the stride sits on each block's 3x3 conv), as
 * MagNet's {@code resnet.py} builds it for the {@code fpn} and {@code psp} backbones: {@code conv1} (7x7,
 * stride 2, pad 3, no bias), {@code bn1}, ReLU, max-pool 3/2 pad 1, then {@code layer1..layer4} of
 * {@link Bottleneck}s (planes 64/128/256/512, strides 1/2/2/2, {@code downsample.0/1} = 1x1 conv + BN on the
 * first block of each layer). No {@code avgpool}/{@code fc}: the state-dict names are torchvision's minus
 * {@code fc.*}, so a torchvision ImageNet checkpoint loads into this module non-strictly (reporting
 * {@code fc.weight}, {@code fc.bias} as unexpected).
 *
 * <p>Batch-norm momentum follows MagNet (it only matters in training): 0.01 inside the blocks (MagNet's
 * {@code base.Bottleneck}), PyTorch's default 0.1 for {@code bn1} and the downsamples; eps 1e-5.
 *
 * <p>{@code baseWidth} (64 in ResNet-50/101) scales every width: the stem has {@code baseWidth} channels and
 * layer i has {@code baseWidth * 2^(i-1)} planes. Reduced widths exist so tests run the same code at a small size.
 */
public final class ResNet extends FoldableModule {
    public static final double BLOCK_BN_MOMENTUM = 0.01, BN_MOMENTUM = 0.1;
    public static final int[] RESNET50 = {3, 4, 6, 3}, RESNET101 = {3, 4, 23, 3};

    /** The outputs of layer1..layer4 (strides 4, 8, 16, 32). */
    public record Features(Tensor c2, Tensor c3, Tensor c4, Tensor c5) {}

    private final int[] blocks;
    public final int baseWidth;
    private final ConvBn stem;
    private final MaxPool2d maxpool;
    private final Sequential layer1, layer2, layer3, layer4;

    public ResNet(int[] blocks, int baseWidth) {
        if (blocks.length != 4) throw new IllegalArgumentException("ResNet needs 4 block counts, got " + blocks.length);
        if (baseWidth < 1) throw new IllegalArgumentException("baseWidth must be positive, got " + baseWidth);
        this.blocks = blocks.clone();
        this.baseWidth = baseWidth;
        Conv2d conv1 = child("conv1", new Conv2d(3, baseWidth, 7, 2, 3, false));
        BatchNorm2d bn1 = child("bn1", Layers.bn(baseWidth, BN_MOMENTUM));
        stem = pair(conv1, bn1);
        child("relu", new ReLU());
        maxpool = child("maxpool", new MaxPool2d(3, 2, 1));
        int[] inplanes = {baseWidth};
        layer1 = child("layer1", layer(inplanes, baseWidth, blocks[0], 1));
        layer2 = child("layer2", layer(inplanes, baseWidth * 2, blocks[1], 2));
        layer3 = child("layer3", layer(inplanes, baseWidth * 4, blocks[2], 2));
        layer4 = child("layer4", layer(inplanes, baseWidth * 8, blocks[3], 2));
    }

    public static ResNet resnet50() { return new ResNet(RESNET50, 64); }

    public static ResNet resnet101() { return new ResNet(RESNET101, 64); }

    /** torchvision's _make_layer: the first block takes the stride (and a downsample), the rest keep the shape. */
    private static Sequential layer(int[] inplanes, int planes, int count, int stride) {
        Module[] layer = new Module[count];
        for (int i = 0; i < count; i++) {
            layer[i] = new Bottleneck(inplanes[0], planes, i == 0 ? stride : 1, BLOCK_BN_MOMENTUM, BN_MOMENTUM);
            inplanes[0] = planes * Bottleneck.EXPANSION;
        }
        return new Sequential(layer);
    }

    public int[] blocks() { return blocks.clone(); }

    /** Channels of c2..c5: 4, 8, 16 and 32 times baseWidth (256/512/1024/2048 at full width). */
    public int channels(int level) {
        if (level < 2 || level > 5) throw new IllegalArgumentException("level must be 2..5, got " + level);
        return baseWidth * Bottleneck.EXPANSION << (level - 2);
    }

    public Features features(Tensor image) {
        Tensor c2 = level2(image), c3 = layer2.forward(c2), c4 = layer3.forward(c3);
        return new Features(c2, c3, c4, layer4.forward(c4));
    }

    /** The last feature map (c5, stride 32); in inference each level is released once the next one is made. */
    @Override public Tensor forward(Tensor image) {
        Tensor c2 = level2(image);
        Tensor c3 = Tensor.releaseConsumed(c2, layer2.forward(c2));
        Tensor c4 = Tensor.releaseConsumed(c3, layer3.forward(c3));
        return Tensor.releaseConsumed(c4, layer4.forward(c4));
    }

    /** c2 (stride 4): stem, max pool, layer1; in inference the stem's and the pool's outputs are released. */
    private Tensor level2(Tensor image) {
        if (image.dim() != 4 || image.size(1) != 3) throw new TensorException("ResNet: input must be [N,3,H,W], got " + image.describe());
        Tensor s = stem.applyRelu(image), x = maxpool.forward(s);
        s.release();
        return Tensor.releaseConsumed(x, layer1.forward(x));
    }
}
