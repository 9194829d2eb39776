package org.magnet4j.magnet.models;

import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.Tensor;

/**
 * ResNet basic block (expansion 1): two 3x3 conv + BN with a ReLU between, plus the input, ReLU.
 * HRNet's branches use it with equal in/out channels and stride 1, so it has no downsample.
 * Names: conv1, bn1, conv2, bn2.
 */
public final class BasicBlock extends FoldableModule {
    private final ConvBn c1, c2;

    public BasicBlock(int channels, double bnMomentum) {
        Conv2d conv1 = child("conv1", Layers.conv3x3(channels, channels, 1, false));
        BatchNorm2d bn1 = child("bn1", Layers.bn(channels, bnMomentum));
        Conv2d conv2 = child("conv2", Layers.conv3x3(channels, channels, 1, false));
        BatchNorm2d bn2 = child("bn2", Layers.bn(channels, bnMomentum));
        c1 = pair(conv1, bn1);
        c2 = pair(conv2, bn2);
    }

    @Override public Tensor forward(Tensor x) {
        Tensor out = c1.applyRelu(x);
        Tensor y = c2.applyAddRelu(out, x);
        out.release(); // inference: its memory serves a later output
        return y;
    }
}
