package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.Tensor;

/**
 * MagNet's {@code fpn} backbone (the reference's {@code ResnetFPN}): a {@link ResNet} ResNet-50 under
 * {@code resnet_backbone.} and a feature-pyramid segmentation head, with the reference's state-dict names:
 * <pre>
 *   toplayer        1x1 c5 (2048) → 256     p5 = toplayer(c5)
 *   latlayer1..3    1x1 c4/c3/c2 → 256      p4 = up(p5, size of c4) + latlayer1(c4); p3, p2 likewise
 *   smoothK_1       3x3 256 → 256           K = 1..4 for p5, p4, p3, p2 (in that order)
 *   smoothK_2       3x3 256 → 128           applied to smoothK_1's output, no activation between
 *   classify        3x3 512 → C             on cat(p5, p4, p3, p2), each upsampled to p2's size
 * </pre>
 * Every head conv has a bias; every upsampling is bilinear with align_corners=False to an explicit size
 * (the lateral map's, then p2's, then the input's), so odd input sizes work. The head has no activation
 * and no normalisation anywhere: the pyramid is linear on top of the ResNet features, exactly as in the
 * reference (a ReLU between the smooth convs would be plausible FPN practice, but the reference has none).
 *
 * <p>Not carried over from the reference: its test-time rotation averaging ({@code multi_test}, off by
 * default and never switched on by MagNet's scripts), and ImageNet downloads: construction never fetches
 * anything (load torchvision weights into {@link #backbone()} explicitly if wanted).
 */
public final class ResNetFPN extends Module {
    public static final int PYRAMID_CHANNELS = 256, SMOOTH_CHANNELS = 128;

    public final int numClasses;
    private final ResNet backbone;
    private final Conv2d toplayer;
    private final Conv2d[] lateral = new Conv2d[3]; // latlayer1..3: c4, c3, c2
    private final Conv2d[] smooth1 = new Conv2d[4], smooth2 = new Conv2d[4]; // index 0..3: p5, p4, p3, p2
    private final Conv2d classify;

    /** The reference model: ResNet-50, 256 pyramid channels, 128 per level before classification. */
    public ResNetFPN(int numClasses) { this(numClasses, 64); }

    /** A width-scaled variant (tests): ResNet-50 of that base width, head widths scaled by baseWidth / 64. */
    ResNetFPN(int numClasses, int baseWidth) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        if (64 % baseWidth != 0) throw new IllegalArgumentException("baseWidth must divide 64, got " + baseWidth);
        this.numClasses = numClasses;
        int div = 64 / baseWidth, pyr = PYRAMID_CHANNELS / div, sm = SMOOTH_CHANNELS / div;
        backbone = child("resnet_backbone", new ResNet(ResNet.RESNET50, baseWidth));
        toplayer = child("toplayer", Layers.conv1x1(backbone.channels(5), pyr, 1, true));
        for (int i = 0; i < 3; i++) lateral[i] = child("latlayer" + (i + 1), Layers.conv1x1(backbone.channels(4 - i), pyr, 1, true));
        for (int k = 0; k < 4; k++) smooth1[k] = child("smooth" + (k + 1) + "_1", Layers.conv3x3(pyr, pyr, 1, true));
        for (int k = 0; k < 4; k++) smooth2[k] = child("smooth" + (k + 1) + "_2", Layers.conv3x3(pyr, sm, 1, true));
        classify = child("classify", Layers.conv3x3(4 * sm, numClasses, 1, true));
    }

    public ResNet backbone() { return backbone; }

    /** top upsampled to lateral's size, plus lateral; in inference lateral and the upsampled copy are released. */
    private static Tensor upsampleAdd(Tensor top, Tensor lateral) {
        Tensor up = Layers.resizeBilinear(top, lateral.size(2), lateral.size(3), false), sum = up.add(lateral);
        if (up != top) up.release();
        lateral.release();
        return sum;
    }

    /** Logits [N,C,H,W] at the input size. */
    @Override public Tensor forward(Tensor image) {
        // In inference every intermediate's memory is released as soon as it is consumed (Tensor.release).
        ResNet.Features c = backbone.features(image);
        Tensor[] p = new Tensor[4];
        p[0] = Tensor.releaseConsumed(c.c5(), toplayer.forward(c.c5()));
        p[1] = upsampleAdd(p[0], Tensor.releaseConsumed(c.c4(), lateral[0].forward(c.c4())));
        p[2] = upsampleAdd(p[1], Tensor.releaseConsumed(c.c3(), lateral[1].forward(c.c3())));
        p[3] = upsampleAdd(p[2], Tensor.releaseConsumed(c.c2(), lateral[2].forward(c.c2())));
        for (int k = 0; k < 4; k++) {
            Tensor s1 = Tensor.releaseConsumed(p[k], smooth1[k].forward(p[k]));
            p[k] = Tensor.releaseConsumed(s1, smooth2[k].forward(s1));
        }
        int h = p[3].size(2), w = p[3].size(3);
        for (int k = 0; k < 3; k++) p[k] = Tensor.releaseConsumed(p[k], Layers.resizeBilinear(p[k], h, w, false));
        Tensor all = Tensor.cat(List.of(p), 1);
        for (Tensor t : p) t.release();
        Tensor out = Tensor.releaseConsumed(all, classify.forward(all));
        return Tensor.releaseConsumed(out, Layers.resizeBilinear(out, image.size(2), image.size(3), false));
    }
}
