package org.magnet4j.magnet.models;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * OCR's soft object regions: for each class k, the average of the pixel features weighted by the
 * softmax over pixels of the class-k logits. feats [N,C,H,W], logits [N,K,H,W] → context [N,C,K,1].
 * No parameters.
 *
 * <p>The softmax and the weighted sum both reduce over every pixel (32,768 for a 256x128 patch at the
 * stride-1 stem): in float32 their rounding shifts whole class contexts by ~1e-4 relative, which the
 * attention that follows turns into ~1e-3 absolute logit errors. So float32 inputs are reduced in float64
 * and the result rounded back; float64 inputs are computed as they are.
 */
public final class SpatialGather extends Module {
    public Tensor forward(Tensor feats, Tensor logits) {
        DType dt = feats.dtype();
        Tensor l0 = dt == DType.FLOAT32 ? logits.to(DType.FLOAT64) : logits;
        int n = l0.size(0), k = l0.size(1), c = feats.size(1);
        Tensor probs = l0.reshape(n, k, -1).softmax(2);                          // N x K x HW
        // N x C x K: each channel's pixels weighted by each class's probabilities, summed in float64 (without
        // writing the features in float64 when no gradient is needed)
        Tensor rows = feats.reshape(n, c, -1), context = rows.matmulT64(probs).unsqueeze(3);  // N x C x K x 1
        // In inference the view goes back at once: while it lives, the caller's release of feats (OCR's 512-channel
        // features, 64 MB for a 256x128 patch) cannot hand their memory back, and each forward allocated it anew.
        rows.release();
        return dt == DType.FLOAT32 ? context.to(dt) : context;
    }
}
