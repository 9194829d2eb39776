package org.magnet4j.magnet.models;

import java.util.ArrayList;
import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.AdaptiveAvgPool2d;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.Dropout2d;
import org.magnet4j.nn.layers.ModuleList;
import org.magnet4j.nn.layers.PReLU;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.Tensor;

/**
 * MagNet's {@code psp} backbone (the reference's {@code PSPNet}): a {@link ResNet} ResNet-101 under
 * {@code feats.}, of which only the last feature map f (2048 channels, stride 32) is used, and the
 * reference's head and state-dict names:
 * <pre>
 *   psp.stages.i.1    1x1 2048 → 2048, no bias, after adaptive average pooling to 1, 2, 3, 6 (i = 0..3)
 *   psp.bottleneck    1x1 5*2048 → 1024 (bias) on cat(4 upsampled priors, f), then ReLU
 *   drop_1            Dropout2d(0.3)
 *   up_1, up_2, up_3  x2 bilinear, then conv.0 3x3 (bias) + conv.1 BN + conv.2 PReLU (one slope):
 *                     1024 → 256 → 64 → 64, each followed by drop_2 = Dropout2d(0.15)
 *   final             1x1 64 → C (bias), upsampled to the input size
 *   classifier        1x1 2048 → C (bias) on f, upsampled to the input size (the auxiliary output)
 * </pre>
 * Output {@code (p + 0.4 * aux) / 1.4}. Every upsampling is bilinear with align_corners=False to an explicit
 * size (f's size for the priors, twice the input's size in the up blocks, the image's size at the end), so for
 * input sizes that are not multiples of 32 the x8 head output is resized to the image, not cropped.
 * Dropout is the identity in eval mode; in train mode the reference applies the one {@code drop_2} module
 * three times, and so does this. The up blocks' BNs use PyTorch's defaults (momentum 0.1, eps 1e-5).
 * Construction never downloads anything (the reference fetches ImageNet ResNet-101 weights by default).
 */
public final class PSPNet extends Module {
    public static final int[] POOL_SIZES = {1, 2, 3, 6};
    public static final int PSP_CHANNELS = 1024;
    public static final int[] UP_CHANNELS = {256, 64, 64};
    public static final double AUX_WEIGHT = 0.4;

    /** The combined output and the two heads it is made of, all at the input size. */
    public record Outputs(Tensor output, Tensor main, Tensor aux) {}

    public final int numClasses;
    private final ResNet feats;
    private final PSPModule psp;
    private final Dropout2d drop1, drop2;
    private final PSPUpsample up1, up2, up3;
    private final Conv2d finalConv, classifier;

    /** The reference model: ResNet-101, PSP to 1024 channels, up blocks 256/64/64. */
    public PSPNet(int numClasses) { this(numClasses, 64); }

    /** A width-scaled variant (tests): ResNet-101 of that base width, head widths scaled by baseWidth / 64. */
    PSPNet(int numClasses, int baseWidth) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        if (64 % baseWidth != 0) throw new IllegalArgumentException("baseWidth must divide 64, got " + baseWidth);
        this.numClasses = numClasses;
        int div = 64 / baseWidth;
        feats = child("feats", new ResNet(ResNet.RESNET101, baseWidth));
        int f = feats.channels(5);
        psp = child("psp", new PSPModule(f, PSP_CHANNELS / div, POOL_SIZES));
        drop1 = child("drop_1", new Dropout2d(0.3));
        up1 = child("up_1", new PSPUpsample(PSP_CHANNELS / div, UP_CHANNELS[0] / div));
        up2 = child("up_2", new PSPUpsample(UP_CHANNELS[0] / div, UP_CHANNELS[1] / div));
        up3 = child("up_3", new PSPUpsample(UP_CHANNELS[1] / div, UP_CHANNELS[2] / div));
        drop2 = child("drop_2", new Dropout2d(0.15));
        finalConv = child("final", Layers.conv1x1(UP_CHANNELS[2] / div, numClasses, 1, true));
        classifier = child("classifier", Layers.conv1x1(f, numClasses, 1, true));
    }

    public ResNet backbone() { return feats; }

    /** The combined output and both heads at the input size. */
    public Outputs forwardAll(Tensor image) {
        // In inference every intermediate's memory is released as soon as it is consumed (Tensor.release); the
        // dropouts hand their input back unchanged in eval mode, which releaseConsumed recognises.
        Tensor f = feats.forward(image);
        Tensor pooled = psp.forward(f);
        Tensor p = Tensor.releaseConsumed(pooled, drop1.forward(pooled));
        for (PSPUpsample up : List.of(up1, up2, up3)) {
            Tensor u = Tensor.releaseConsumed(p, up.forward(p));
            p = Tensor.releaseConsumed(u, drop2.forward(u));
        }
        int h = image.size(2), w = image.size(3);
        Tensor auxLogits = Tensor.releaseConsumed(f, classifier.forward(f));
        Tensor aux = Tensor.releaseConsumed(auxLogits, Layers.resizeBilinear(auxLogits, h, w, false));
        Tensor mainLogits = Tensor.releaseConsumed(p, finalConv.forward(p));
        Tensor main = Tensor.releaseConsumed(mainLogits, Layers.resizeBilinear(mainLogits, h, w, false));
        Tensor weighted = aux.mul(AUX_WEIGHT), sum = main.add(weighted), out = sum.div(1 + AUX_WEIGHT);
        Tensor.releaseAll(weighted, sum);
        return new Outputs(out, main, aux);
    }

    /** Logits {@code (p + 0.4 * aux) / 1.4} at the input size (the two heads' memory released in inference). */
    @Override public Tensor forward(Tensor image) {
        Outputs o = forwardAll(image);
        Tensor.releaseAll(o.main(), o.aux());
        return o.output();
    }

    /** Pyramid pooling: stages.i = Sequential(AdaptiveAvgPool2d(size), 1x1 conv without bias); bottleneck; ReLU. */
    static final class PSPModule extends Module {
        private final ModuleList<Sequential> stages = new ModuleList<>();
        private final Conv2d bottleneck;

        PSPModule(int features, int outFeatures, int[] sizes) {
            for (int s : sizes) stages.add(new Sequential(new AdaptiveAvgPool2d(s), Layers.conv1x1(features, features, 1, false)));
            child("stages", stages);
            bottleneck = child("bottleneck", Layers.conv1x1(features * (sizes.length + 1), outFeatures, 1, true));
            child("relu", new ReLU());
        }

        @Override public Tensor forward(Tensor f) {
            int h = f.size(2), w = f.size(3);
            List<Tensor> priors = new ArrayList<>(stages.size() + 1);
            for (Sequential stage : stages) {
                Tensor pooled = stage.forward(f);
                priors.add(Tensor.releaseConsumed(pooled, Layers.resizeBilinear(pooled, h, w, false)));
            }
            priors.add(f);
            Tensor all = Tensor.cat(priors, 1);
            for (Tensor prior : priors.subList(0, stages.size())) prior.release(); // f is the caller's
            Tensor reduced = Tensor.releaseConsumed(all, bottleneck.forward(all));
            return Tensor.releaseConsumed(reduced, reduced.relu());
        }
    }

    /** x2 bilinear (align_corners=False), then conv = Sequential(3x3 conv with bias, BN, PReLU). */
    static final class PSPUpsample extends Module {
        private final ConvAct conv;

        PSPUpsample(int in, int out) { conv = child("conv", new ConvAct(in, out)); }

        @Override public Tensor forward(Tensor x) {
            Tensor up = Layers.resizeBilinear(x, 2 * x.size(2), 2 * x.size(3), false);
            Tensor out = conv.forward(up);
            if (up != x) up.release(); // x is the caller's
            return out;
        }
    }

    /** Sequential(conv 3x3 + bias, BN, PReLU) with names 0, 1, 2; the conv + BN pair folds. */
    static final class ConvAct extends FoldableModule {
        private final ConvBn pair;
        private final PReLU prelu;

        ConvAct(int in, int out) {
            Conv2d c = child("0", Layers.conv3x3(in, out, 1, true));
            BatchNorm2d bn = child("1", Layers.bn(out, 0.1));
            prelu = child("2", new PReLU());
            pair = pair(c, bn);
        }

        @Override public Tensor forward(Tensor x) { return prelu.forward(pair.apply(x)); }
    }
}
