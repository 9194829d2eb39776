package org.magnet4j.nn.functional;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * MagNet's median_blur (magnet/utils/blur.py): zero padding (k-1)//2, every k x k window, the lower median
 * (torch.median). The output size follows the convolution rule H + 2*((k-1)//2) - k + 1, so an even k gives
 * a map one pixel smaller than the input. No gradient (the reference runs it under no_grad).
 */
public final class MedianBlur {
    private MedianBlur() {}

    public static Tensor medianBlur(Tensor x, int k) { return medianBlur(x, k, k); }

    public static Tensor medianBlur(Tensor x, int kH, int kW) {
        if (x.dim() != 4) throw new TensorException("median_blur: input must be [B,C,H,W], got " + x.describe());
        if (kH < 1 || kW < 1) throw new TensorException("median_blur: kernel " + kH + "x" + kW + " must be positive");
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int padH = (kH - 1) / 2, padW = (kW - 1) / 2;
        int oh = outSize(h, kH), ow = outSize(w, kW);
        if (oh <= 0 || ow <= 0) throw new TensorException("median_blur: kernel " + kH + "x" + kW + " does not fit input " + x.describe());
        try (var g = GradMode.noGrad()) {
            Tensor planes = x.detach().reshape(b * c, 1, h, w);
            Tensor cols = Sampling.unfold(planes, kH, kW, new Conv2dParams(1, 1, padH, padW, 1, 1, 1)); // [B*C, k*k, oh*ow]
            return cols.median(1, false)[0].reshape(b, c, oh, ow);
        }
    }

    /** H + 2*((k-1)//2) - k + 1. */
    public static int outSize(int in, int k) { return in + 2 * ((k - 1) / 2) - k + 1; }
}
