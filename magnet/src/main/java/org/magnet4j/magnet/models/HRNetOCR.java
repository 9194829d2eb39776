package org.magnet4j.magnet.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.ModuleList;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * HRNet + OCR segmentation backbone as MagNet builds it (HRNet-OCR's {@code seg_hrnet_ocr.py} with a
 * stride-1 stem). Stem: conv3x3 3→64 + BN + ReLU, conv3x3 64→64 + BN + ReLU, both stride 1; layer1:
 * bottlenecks of 64 planes; transitions and stages 2-4 of {@link HighResolutionModule}s. Head: the four
 * branches upsampled to the first (bilinear, align_corners=True) and concatenated; {@code aux_head}
 * (1x1 + BN + ReLU + 1x1 → C); {@code conv3x3_ocr} (3x3 → 512 + BN + ReLU); {@link SpatialGather} of the
 * aux logits; {@link SpatialOCR} (key channels 256); {@code cls_head} (1x1 → C). The output is
 * {@code (cls + 0.4 * aux) / 1.4}, each upsampled to the input size with align_corners=True.
 * BN momentum 0.1, eps 1e-5 throughout. Names are those of the reference's state dict.
 */
public final class HRNetOCR extends FoldableModule {
    public static final double BN_MOMENTUM = 0.1;
    public static final int OCR_MID_CHANNELS = 512, OCR_KEY_CHANNELS = 256;
    public static final double AUX_WEIGHT = 0.4;

    /** The combined output and the two heads it is made of, all at the input size. */
    public record Outputs(Tensor output, Tensor main, Tensor aux) {}

    public final HRNetConfig config;
    public final int numClasses;
    private final ConvBn stem1, stem2;
    private final Sequential layer1;
    private final ModuleList<Module> transition1, transition2, transition3;
    private final ModuleList<HighResolutionModule> stage2, stage3, stage4;
    private final ConvBnAct conv3x3Ocr;
    private final SpatialGather gather;
    private final SpatialOCR distri;
    private final Conv2d clsHead;
    private final AuxHead auxHead;

    public HRNetOCR(HRNetConfig config, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        this.config = config;
        this.numClasses = numClasses;
        Conv2d conv1 = child("conv1", Layers.conv3x3(3, 64, 1, false));
        BatchNorm2d bn1 = child("bn1", Layers.bn(64, BN_MOMENTUM));
        Conv2d conv2 = child("conv2", Layers.conv3x3(64, 64, 1, false));
        BatchNorm2d bn2 = child("bn2", Layers.bn(64, BN_MOMENTUM));
        stem1 = pair(conv1, bn1);
        stem2 = pair(conv2, bn2);

        Module[] blocks = new Module[config.stage1Blocks()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new Bottleneck(i == 0 ? 64 : 64 * Bottleneck.EXPANSION, 64, 1, BN_MOMENTUM);
        layer1 = child("layer1", new Sequential(blocks));

        int[] pre = {64 * Bottleneck.EXPANSION};
        transition1 = child("transition1", transition(pre, config.stage2().channels()));
        stage2 = child("stage2", stage(config.stage2()));
        transition2 = child("transition2", transition(config.stage2().channels(), config.stage3().channels()));
        stage3 = child("stage3", stage(config.stage3()));
        transition3 = child("transition3", transition(config.stage3().channels(), config.stage4().channels()));
        stage4 = child("stage4", stage(config.stage4()));

        int last = config.headChannels();
        conv3x3Ocr = child("conv3x3_ocr", ConvBnAct.seq(Layers.conv3x3(last, OCR_MID_CHANNELS, 1, true), Layers.bn(OCR_MID_CHANNELS, BN_MOMENTUM), true));
        gather = child("ocr_gather_head", new SpatialGather());
        distri = child("ocr_distri_head", new SpatialOCR(OCR_MID_CHANNELS, OCR_KEY_CHANNELS, OCR_MID_CHANNELS));
        clsHead = child("cls_head", Layers.conv1x1(OCR_MID_CHANNELS, numClasses, 1, true));
        auxHead = child("aux_head", new AuxHead(last, numClasses));
    }

    /** HRNet's _make_transition_layer: 3x3 conv + BN + ReLU where widths change, stride-2 chains for new branches. */
    private static ModuleList<Module> transition(int[] pre, int[] cur) {
        ModuleList<Module> list = new ModuleList<>();
        for (int i = 0; i < cur.length; i++) {
            if (i < pre.length) {
                if (cur[i] != pre[i]) list.add(ConvBnAct.seq(Layers.conv3x3(pre[i], cur[i], 1, false), Layers.bn(cur[i], BN_MOMENTUM), true));
                else list.add(new Absent());
            } else {
                int steps = i + 1 - pre.length;
                Module[] chain = new Module[steps];
                for (int j = 0; j < steps; j++) {
                    int in = pre[pre.length - 1], out = j == i - pre.length ? cur[i] : in;
                    chain[j] = ConvBnAct.seq(Layers.conv3x3(in, out, 2, false), Layers.bn(out, BN_MOMENTUM), true);
                }
                list.add(new Sequential(chain));
            }
        }
        return list;
    }

    private static ModuleList<HighResolutionModule> stage(HRNetConfig.Stage s) {
        ModuleList<HighResolutionModule> list = new ModuleList<>();
        for (int m = 0; m < s.modules(); m++) list.add(new HighResolutionModule(s.blocks(), s.channels(), BN_MOMENTUM));
        return list;
    }

    private static List<Tensor> transit(ModuleList<Module> transition, List<Tensor> y) {
        List<Tensor> x = new ArrayList<>(transition.size());
        for (int i = 0; i < transition.size(); i++) {
            Module t = transition.get(i);
            if (t instanceof Absent) x.add(y.get(i));
            else x.add(t.forward(y.get(Math.min(i, y.size() - 1))));
        }
        return x;
    }

    private static List<Tensor> run(ModuleList<HighResolutionModule> stage, List<Tensor> x) {
        for (HighResolutionModule m : stage) {
            List<Tensor> next = m.forward(x);
            Tensor.releaseAllExcept(x, next); // the same objects pass through absent transitions
            x = next;
        }
        return x;
    }

    /** The concatenated multi-resolution features [N, headChannels, H, W] (H, W: the input size, stride-1 stem). */
    public Tensor features(Tensor image) {
        if (image.dim() != 4 || image.size(1) != 3) throw new TensorException("HRNetOCR: input must be [N,3,H,W], got " + image.describe());
        // In inference every intermediate's memory is released as soon as it is consumed (Tensor.release).
        Tensor s1 = stem1.applyRelu(image), s2 = stem2.applyRelu(s1);
        s1.release();
        Tensor x = Tensor.releaseConsumed(s2, layer1.forward(s2));
        List<Tensor> y = List.of(x);
        for (var st : List.of(Map.entry(transition1, stage2), Map.entry(transition2, stage3), Map.entry(transition3, stage4))) {
            List<Tensor> in = transit(st.getKey(), y);
            Tensor.releaseAllExcept(y, in);
            y = run(st.getValue(), in);
        }
        int h = y.get(0).size(2), w = y.get(0).size(3);
        List<Tensor> parts = new ArrayList<>(y.size());
        parts.add(y.get(0));
        for (int i = 1; i < y.size(); i++) {
            Tensor part = Layers.resizeBilinear(y.get(i), h, w, true);
            parts.add(part);
            if (part != y.get(i)) y.get(i).release();
        }
        Tensor feats = Tensor.cat(parts, 1);
        for (Tensor t : parts) t.release();
        return feats;
    }

    /** The combined output and both heads, each upsampled to the input size (align_corners=True). */
    public Outputs forwardAll(Tensor image) {
        Tensor feats = features(image);
        Tensor auxLow = auxHead.forward(feats);
        Tensor ocrFeats = conv3x3Ocr.forward(feats);
        feats.release();
        Tensor context = gather.forward(ocrFeats, auxLow);
        Tensor augmented = distri.forward(ocrFeats, context);
        ocrFeats.release();
        context.release();
        Tensor mainLow = clsHead.forward(augmented);
        augmented.release();
        int h = image.size(2), w = image.size(3);
        Tensor main = Layers.resizeBilinear(mainLow, h, w, true), aux = Layers.resizeBilinear(auxLow, h, w, true);
        if (main != mainLow) mainLow.release();
        if (aux != auxLow) auxLow.release();
        Tensor weighted = aux.mul(AUX_WEIGHT), sum = main.add(weighted);
        weighted.release();
        Tensor out = sum.div(1 + AUX_WEIGHT);
        sum.release();
        return new Outputs(out, main, aux);
    }

    /** Logits {@code (cls + 0.4 * aux) / 1.4} at the input size. */
    @Override public Tensor forward(Tensor image) {
        Outputs all = forwardAll(image);
        all.main().release(); // inference: only the combined output is wanted; their memory serves later outputs
        all.aux().release();
        return all.output();
    }

    /** Sequential(1x1 conv (bias), BN, ReLU, 1x1 conv (bias) → C): names 0, 1, 3. */
    static final class AuxHead extends FoldableModule {
        private final ConvBn first;
        private final Conv2d classifier;

        AuxHead(int channels, int numClasses) {
            Conv2d conv = child("0", Layers.conv1x1(channels, channels, 1, true));
            BatchNorm2d bn = child("1", Layers.bn(channels, BN_MOMENTUM));
            child("2", new org.magnet4j.nn.layers.ReLU());
            classifier = child("3", Layers.conv1x1(channels, numClasses, 1, true));
            first = pair(conv, bn);
        }

        @Override public Tensor forward(Tensor x) {
            Tensor hidden = first.applyRelu(x), out = classifier.forward(hidden);
            hidden.release(); // inference: its memory serves a later output
            return out;
        }
    }
}
