package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/** torch.nn.AdaptiveAvgPool2d: average pooling to a fixed output size (PyTorch's start/end bin rule). */
public class AdaptiveAvgPool2d extends Module {
    public final int outH, outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("AdaptiveAvgPool2d: output size " + outH + "x" + outW + " must be positive");
        this.outH = outH;
        this.outW = outW;
    }

    public AdaptiveAvgPool2d(int size) { this(size, size); }

    @Override public Tensor forward(Tensor x) { return x.adaptiveAvgPool2d(outH, outW); }
}
