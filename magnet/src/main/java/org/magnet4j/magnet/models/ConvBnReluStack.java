package org.magnet4j.magnet.models;

import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.Dropout2d;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's projection stacks: {@code nn.Sequential(conv, BNReLU, conv, BNReLU, ...)} where
 * {@code BNReLU = nn.Sequential(BN, ReLU)}; names {@code 0} (conv), {@code 1.0} (BN), {@code 2}, {@code 3.0}, ...
 * Convs are 1x1 without bias; BNs have PyTorch's defaults (momentum 0.1, eps 1e-5). OCR's
 * {@code conv_bn_dropout} adds a trailing Dropout2d (no state; the identity in eval mode).
 */
public final class ConvBnReluStack extends FoldableModule {
    private final ConvBn[] pairs;
    private final Dropout2d dropout;

    /** channels = {in, mid, ..., out}: one 1x1 conv + BN + ReLU per step. */
    public ConvBnReluStack(int... channels) { this(0, channels); }

    /** As {@link #ConvBnReluStack(int...)}, followed by Dropout2d(dropout) when dropout > 0. */
    public ConvBnReluStack(double dropout, int... channels) {
        pairs = new ConvBn[channels.length - 1];
        for (int i = 0; i + 1 < channels.length; i++) {
            Conv2d conv = child(Integer.toString(2 * i), Layers.conv1x1(channels[i], channels[i + 1], 1, false));
            BatchNorm2d bn = Layers.bn(channels[i + 1], 0.1);
            child(Integer.toString(2 * i + 1), new BnRelu(bn));
            pairs[i] = pair(conv, bn);
        }
        this.dropout = dropout > 0 ? child(Integer.toString(2 * pairs.length), new Dropout2d(dropout)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor cur = x;
        for (ConvBn p : pairs) {
            Tensor next = p.applyRelu(cur);
            if (cur != x) cur.release(); // inference: the intermediate's memory serves a later output
            cur = next;
        }
        return dropout == null ? cur : dropout.forward(cur);
    }

    /** forward(cat(parts, 1)), the first convolution reading the parts where they lie when it can (same bits). */
    public Tensor forwardConcat(List<Tensor> parts) {
        Tensor cur = pairs[0].applyReluConcat(parts);
        for (int i = 1; i < pairs.length; i++) {
            Tensor next = pairs[i].applyRelu(cur);
            cur.release(); // inference: the intermediate's memory serves a later output
            cur = next;
        }
        return dropout == null ? cur : dropout.forward(cur);
    }

    /** BNReLU: Sequential(BN, ReLU); a naming level, run by the owner. */
    static final class BnRelu extends Module {
        private final BatchNorm2d bn;

        BnRelu(BatchNorm2d bn) {
            this.bn = child("0", bn);
            child("1", new ReLU());
        }

        @Override public Tensor forward(Tensor x) { return bn.forward(x).relu(); }
    }
}
