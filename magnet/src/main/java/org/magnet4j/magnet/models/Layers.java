package org.magnet4j.magnet.models;

import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/** Small constructors and functions shared by the models. */
public final class Layers {
    private Layers() {}

    public static final double BN_EPS = 1e-5;

    public static Conv2d conv3x3(int in, int out, int stride, boolean bias) { return new Conv2d(in, out, 3, stride, 1, bias); }

    public static Conv2d conv1x1(int in, int out, int stride, boolean bias) { return new Conv2d(in, out, 1, stride, 0, bias); }

    public static BatchNorm2d bn(int channels, double momentum) { return new BatchNorm2d(channels, BN_EPS, momentum); }

    /** Bilinear resize to (h, w); a same-size align-corners resize is the identity and is skipped. */
    public static Tensor resizeBilinear(Tensor x, int h, int w, boolean alignCorners) {
        if (alignCorners && x.size(2) == h && x.size(3) == w) return x;
        return Sampling.interpolate(x, h, w, InterpMode.BILINEAR, alignCorners);
    }
}
