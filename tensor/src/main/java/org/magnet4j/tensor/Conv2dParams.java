package org.magnet4j.tensor;

/** Stride, padding, dilation and groups of a 2-D convolution (also used by unfold). */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public static Conv2dParams of(int stride, int padding, int dilation, int groups) {
        return new Conv2dParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    public int outH(int h, int kH) { return (h + 2 * padH - dilationH * (kH - 1) - 1) / strideH + 1; }

    public int outW(int w, int kW) { return (w + 2 * padW - dilationW * (kW - 1) - 1) / strideW + 1; }
}
