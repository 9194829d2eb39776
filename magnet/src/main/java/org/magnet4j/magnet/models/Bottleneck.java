package org.magnet4j.magnet.models;

import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.Tensor;

/**
 * ResNet bottleneck (expansion 4): 1x1 conv + BN + ReLU, 3x3 conv (stride) + BN + ReLU, 1x1 conv + BN,
 * plus the input (through {@code downsample} = Sequential(1x1 conv, BN) when the shape changes), ReLU.
 * Names: conv1, bn1, conv2, bn2, conv3, bn3, downsample.0, downsample.1.
 */
public final class Bottleneck extends FoldableModule {
    public static final int EXPANSION = 4;
    private final ConvBn c1, c2, c3;
    private final ConvBnAct downsample;

    /** A downsample is added when stride != 1 or inplanes != planes * 4, as torchvision's _make_layer does. */
    public Bottleneck(int inplanes, int planes, int stride, double bnMomentum) { this(inplanes, planes, stride, bnMomentum, bnMomentum); }

    /**
     * As above, with a separate momentum for the downsample's batch norm (MagNet's ResNet builds the
     * downsample with PyTorch's default 0.1 while its blocks use 0.01).
     */
    public Bottleneck(int inplanes, int planes, int stride, double bnMomentum, double downsampleBnMomentum) {
        Conv2d conv1 = child("conv1", Layers.conv1x1(inplanes, planes, 1, false));
        BatchNorm2d bn1 = child("bn1", Layers.bn(planes, bnMomentum));
        Conv2d conv2 = child("conv2", Layers.conv3x3(planes, planes, stride, false));
        BatchNorm2d bn2 = child("bn2", Layers.bn(planes, bnMomentum));
        Conv2d conv3 = child("conv3", Layers.conv1x1(planes, planes * EXPANSION, 1, false));
        BatchNorm2d bn3 = child("bn3", Layers.bn(planes * EXPANSION, bnMomentum));
        c1 = pair(conv1, bn1);
        c2 = pair(conv2, bn2);
        c3 = pair(conv3, bn3);
        downsample = stride != 1 || inplanes != planes * EXPANSION
                ? child("downsample", ConvBnAct.seq(Layers.conv1x1(inplanes, planes * EXPANSION, stride, false), Layers.bn(planes * EXPANSION, downsampleBnMomentum), false))
                : null;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor out1 = c1.applyRelu(x);
        Tensor out2 = c2.applyRelu(out1);
        out1.release(); // inference: intermediates' memory serves later outputs
        Tensor residual = downsample == null ? x : downsample.forward(x);
        Tensor y = c3.applyAddRelu(out2, residual);
        out2.release();
        if (residual != x) residual.release();
        return y;
    }
}
