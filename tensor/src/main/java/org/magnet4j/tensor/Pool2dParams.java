package org.magnet4j.tensor;

/** Kernel, stride and padding of max/avg pooling, with PyTorch's ceil_mode and count_include_pad. */
public record Pool2dParams(int kH, int kW, int strideH, int strideW, int padH, int padW, boolean ceilMode, boolean countIncludePad) {
    public static Pool2dParams of(int kernel, int stride, int padding) {
        return new Pool2dParams(kernel, kernel, stride, stride, padding, padding, false, true);
    }

    public int outH(int h) { return outSize(h, kH, strideH, padH); }

    public int outW(int w) { return outSize(w, kW, strideW, padW); }

    /** PyTorch's pooling output size, including the ceil-mode rule that the last window must start inside. */
    private int outSize(int in, int k, int s, int p) {
        int num = in + 2 * p - k;
        int out = (ceilMode ? Math.floorDiv(num + s - 1, s) : Math.floorDiv(num, s)) + 1;
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
