package org.magnet4j.magnet.models;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's pixel-to-object attention (scale 1): query = f_pixel(x) per pixel, key = f_object(context) and
 * value = f_down(context) per object region; sim = softmax(query . key / sqrt(keyChannels)) over
 * regions; out = f_up(sim x value). Names: f_pixel, f_object (conv, BNReLU, conv, BNReLU), f_down,
 * f_up (conv, BNReLU).
 */
public final class ObjectAttentionBlock extends Module {
    private final int keyChannels;
    private final ConvBnReluStack fPixel, fObject, fDown, fUp;

    public ObjectAttentionBlock(int inChannels, int keyChannels) {
        this.keyChannels = keyChannels;
        fPixel = child("f_pixel", new ConvBnReluStack(inChannels, keyChannels, keyChannels));
        fObject = child("f_object", new ConvBnReluStack(inChannels, keyChannels, keyChannels));
        fDown = child("f_down", new ConvBnReluStack(inChannels, keyChannels));
        fUp = child("f_up", new ConvBnReluStack(keyChannels, inChannels));
    }

    /**
     * x [N,C,H,W] pixel features, proxy [N,C,K,1] object-region features → [N,C,H,W]. Computed channel-major, as the
     * transposes of the reference's pixel-major products: scores^T = key^T query^T (K x HW), softmax over K, then
     * context = value^T sim^T (Ck x HW), already in [N,Ck,H,W] order. Each element is the same sum of the same
     * products in the same order (the GEMM sums over the inner dimension, the softmax over K, whatever the layout),
     * so the bits are the reference order's; but the two 32 MB transposed copies of query and context are gone.
     */
    public Tensor forward(Tensor x, Tensor proxy) {
        int n = x.size(0), h = x.size(2), w = x.size(3);
        // In inference every tensor made here is released once consumed (views too: the memory goes back when
        // the last tensor over it is released).
        Tensor pixels = fPixel.forward(x), pixelRows = pixels.reshape(n, keyChannels, -1);   // N x Ck x HW
        Tensor objects = fObject.forward(proxy), key = objects.reshape(n, keyChannels, -1);  // N x Ck x K
        Tensor keyT = key.permute(0, 2, 1);                                                 // N x K x Ck (small)
        Tensor down = fDown.forward(proxy), downRows = down.reshape(n, keyChannels, -1);      // N x Ck x K
        Tensor scoresT = keyT.matmul(pixelRows);                                            // N x K x HW
        Tensor.releaseAll(pixels, pixelRows, objects, key, keyT);
        Tensor scaled = scoresT.mul(Math.pow(keyChannels, -0.5));
        Tensor simT = scaled.softmax(1);                                                    // over the K regions
        Tensor.releaseAll(scoresT, scaled);
        Tensor byChannel = downRows.matmul(simT), context = byChannel.reshape(n, keyChannels, h, w); // N x Ck x HW
        Tensor.releaseAll(simT, down, downRows);
        Tensor out = fUp.forward(context);
        Tensor.releaseAll(byChannel, context);
        return out;
    }
}
