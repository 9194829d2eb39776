package org.magnet4j.magnet.models;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's soft object regions: for each class k, the average of the pixel features weighted by the
 * softmax over pixels of the class-k logits. feats [N,C,H,W], logits [N,K,H,W] → context [N,C,K,1].
 * No parameters.
 */
public final class SpatialGather extends Module {
    public Tensor forward(Tensor feats, Tensor logits) {
        int n = logits.size(0), k = logits.size(1), c = feats.size(1);
        Tensor probs = logits.reshape(n, k, -1).softmax(2);             // N x K x HW
        Tensor f = feats.reshape(n, c, -1).permute(0, 2, 1);            // N x HW x C
        return probs.matmul(f).permute(0, 2, 1).unsqueeze(3);           // N x C x K x 1
    }
}
