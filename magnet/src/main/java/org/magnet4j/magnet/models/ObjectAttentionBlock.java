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

    /** x [N,C,H,W] pixel features, proxy [N,C,K,1] object-region features → [N,C,H,W]. */
    public Tensor forward(Tensor x, Tensor proxy) {
        int n = x.size(0), h = x.size(2), w = x.size(3);
        Tensor query = fPixel.forward(x).reshape(n, keyChannels, -1).permute(0, 2, 1);   // N x HW x Ck
        Tensor key = fObject.forward(proxy).reshape(n, keyChannels, -1);                  // N x Ck x K
        Tensor value = fDown.forward(proxy).reshape(n, keyChannels, -1).permute(0, 2, 1); // N x K x Ck
        Tensor sim = query.matmul(key).mul(Math.pow(keyChannels, -0.5)).softmax(-1);      // N x HW x K
        Tensor context = sim.matmul(value).permute(0, 2, 1).contiguous().reshape(n, keyChannels, h, w);
        return fUp.forward(context);
    }
}
