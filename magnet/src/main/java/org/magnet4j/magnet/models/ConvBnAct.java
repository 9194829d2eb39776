package org.magnet4j.magnet.models;

import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.tensor.Tensor;

/**
 * A conv + batch norm (+ ReLU) block shaped like the PyTorch {@code nn.Sequential(conv, bn[, relu])} it
 * replaces, so its state-dict names match: {@code 0} (conv), {@code 1} (BN), {@code 2} (ReLU, no
 * parameters). See {@link ConvBnReluStack} for OCR's conv + BNReLU layout.
 */
public final class ConvBnAct extends FoldableModule {
    private final ConvBn pair;
    private final boolean relu;

    private ConvBnAct(Conv2d conv, BatchNorm2d bn, boolean relu) {
        child("0", conv);
        child("1", bn);
        if (relu) child("2", new ReLU());
        this.pair = pair(conv, bn);
        this.relu = relu;
    }

    /** Sequential(conv, BN[, ReLU]). */
    public static ConvBnAct seq(Conv2d conv, BatchNorm2d bn, boolean relu) { return new ConvBnAct(conv, bn, relu); }

    public ConvBn pair() { return pair; }

    @Override public Tensor forward(Tensor x) {
        return relu ? pair.applyRelu(x) : pair.apply(x);
    }
}
