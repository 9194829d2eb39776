package org.magnet4j.magnet.ops;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * MagNet's median blur: zero padding (k-1)/2, k x k windows, the lower median of each window. For even k
 * the output is one pixel smaller per axis, as the convolution output-size rule gives.
 */
public final class MedianBlur {
    private MedianBlur() {}

    public static Tensor apply(Tensor x, int k) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), pad = (k - 1) / 2;
        Conv2dParams p = Conv2dParams.of(1, pad, 1, 1);
        int oh = p.outH(h, k), ow = p.outW(w, k);
        Tensor cols = Sampling.unfold(x, k, k, p).reshape(n, c, k * k, oh * ow);
        return cols.median(2, false)[0].reshape(n, c, oh, ow);
    }
}
