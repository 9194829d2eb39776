package org.magnet4j.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Matrix products and 2-D convolution with their backward rules. */
final class LinearOps {
    private LinearOps() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (!a.dtype().isComputeFloat() || a.dtype() != b.dtype())
            throw new TensorException("matmul: needs two float32 or two float64 tensors, got " + a.describe() + " and " + b.describe());
        if (a.dim() == 0 || b.dim() == 0) throw new TensorException("matmul: 0-d operand " + a.describe() + " x " + b.describe());
        boolean vecA = a.dim() == 1, vecB = b.dim() == 1;
        Tensor a2 = vecA ? a.unsqueeze(0) : a, b2 = vecB ? b.unsqueeze(1) : b;
        int m = a2.size(-2), k = a2.size(-1), k2 = b2.size(-2), n = b2.size(-1);
        if (k != k2) throw new TensorException("matmul: inner sizes differ, " + a.describe() + " x " + b.describe());
        int[] batchA = Arrays.copyOf(a2.shapeRef(), a2.dim() - 2), batchB = Arrays.copyOf(b2.shapeRef(), b2.dim() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int bn = Shapes.numel(batch);
        Tensor a3 = a2.expand(Shapes.concat(batch, m, k)).reshape(bn, m, k);
        Tensor b3 = b2.expand(Shapes.concat(batch, k, n)).reshape(bn, k, n);
        Tensor out3;
        try (var g = GradMode.noGrad()) {
            out3 = a.backend().matmul(a3, b3);
        }
        out3 = Autograd.record(out3, "matmul", g -> new Tensor[] {
            a3.requiresGrad() ? g.backend().matmul(g, b3.transpose(1, 2)) : null,
            b3.requiresGrad() ? g.backend().matmul(a3.transpose(1, 2), g) : null}, a3, b3);
        Tensor out = out3.reshape(Shapes.concat(batch, m, n));
        if (vecA) out = out.squeeze(-2);
        if (vecB) out = out.squeeze(-1);
        // In inference the views made here go now: each holds its memory, and one left to the collector would keep
        // the caller's release of a, b or the result from handing the memory back (release is a no-op under grad).
        // (a2 and b2 are a and b themselves unless unsqueezed.)
        Tensor.releaseAllExcept(List.of(a2, b2, a3, b3, out3), List.of(a, b, out));
        return out;
    }

    /**
     * x [B,M,K] times w^T (w [B,N,K] float64) in float64: with gradients, the composed ops (x widened, then
     * matmul); without, one backend call that may skip widening x. The same bits either way.
     */
    static Tensor matmulT64(Tensor x, Tensor w) {
        if (x.dim() != 3 || w.dim() != 3 || x.size(0) != w.size(0) || x.size(2) != w.size(2))
            throw new TensorException("matmulT64: needs x [B,M,K] and w [B,N,K], got " + x.describe() + " and " + w.describe());
        if (!x.dtype().isComputeFloat() || w.dtype() != DType.FLOAT64)
            throw new TensorException("matmulT64: x must be float32 or float64 and w float64, got " + x.describe() + " and " + w.describe());
        if (!x.device().equals(w.device())) throw new TensorException("matmulT64: operands on different devices, " + x.describe() + " and " + w.describe());
        if (GradMode.isEnabled() && (x.requiresGrad() || w.requiresGrad()))
            return (x.dtype() == DType.FLOAT64 ? x : x.to(DType.FLOAT64)).matmul(w.transpose(1, 2));
        try (var g = GradMode.noGrad()) {
            return x.backend().matmulT64(x, w);
        }
    }

    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        check(x, w, bias, p);
        Tensor out;
        try (var gm = GradMode.noGrad()) {
            out = x.backend().conv2d(x, w, bias, p);
        }
        int[] xs = x.shape(), ws = w.shape();
        return Autograd.record(out, "conv2d", gy -> new Tensor[] {
            x.requiresGrad() ? gy.backend().conv2dBackwardInput(gy, w, xs, p) : null,
            w.requiresGrad() ? gy.backend().conv2dBackwardWeight(gy, x, ws, p) : null,
            bias != null && bias.requiresGrad() ? gy.sum(new int[] {0, 2, 3}, false) : null}, x, w, bias);
    }

    /**
     * relu?(conv2d(x, w, bias) + residual) in one backend call when nothing needs a gradient and the residual
     * matches the output exactly (same shape, dtype and device); otherwise the composed ops, with autograd
     * and broadcasting as usual. Both give the same bits.
     */
    static Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor residual, boolean relu, Conv2dParams p) {
        return conv2dFused(x, w, bias, null, null, residual, relu, p);
    }

    /**
     * relu?((((conv2d(x, w, bias) * scale) + shift) + residual) with scale and shift per output channel ([O], both
     * or neither: batch norm's eval transform), in one backend call under the same conditions as above; otherwise
     * the composed ops. Both give the same bits.
     */
    static Tensor conv2dFused(Tensor x, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu, Conv2dParams p) {
        Supplier<String> where = () -> where(x, w, bias);
        check(x.shapeRef(), x.dtype(), w, bias, p, where);
        checkAffine(x.dtype(), x.device(), w, scale, shift, where);
        if (!fusable(x.shapeRef(), x.dtype(), x.device(), x.requiresGrad(), w, bias, scale, shift, residual, p)) {
            Tensor y = conv2d(x, w, bias, p);
            if (scale != null) y = y.mul(scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1));
            if (residual != null) y = y.add(residual);
            return relu ? y.relu() : y;
        }
        try (var gm = GradMode.noGrad()) {
            return x.backend().conv2dFused(x, w, bias, scale, shift, residual, relu, p);
        }
    }

    /**
     * conv2dFused(cat(parts, 1), ...): under the same conditions as conv2dFused, one backend call that may read the parts
     * where they lie (the CPU backend does for 1x1 convolutions: OCR's 1024-channel concatenation was a 134 MB copy per
     * patch); otherwise, or when the parts do not line up (dtype, device, batch, height, width), the concatenation, then
     * the fused convolution. Same bits either way.
     */
    static Tensor conv2dFusedConcat(List<Tensor> parts, Tensor w, Tensor bias, Tensor scale, Tensor shift, Tensor residual, boolean relu,
                                    Conv2dParams p) {
        if (parts.isEmpty()) throw new TensorException("conv2d over a concatenation: no inputs");
        Tensor first = parts.get(0);
        boolean lineUp = first.dim() == 4, inputGrad = false;
        int channels = 0;
        for (Tensor t : parts) {
            lineUp &= t.dim() == 4 && t.dtype() == first.dtype() && t.device().equals(first.device())
                    && t.size(0) == first.size(0) && t.size(2) == first.size(2) && t.size(3) == first.size(3);
            inputGrad |= t.requiresGrad();
            channels += t.dim() == 4 ? t.size(1) : 0;
        }
        if (parts.size() == 1 || !lineUp) return conv2dFused(parts.size() == 1 ? first : Tensor.cat(parts, 1), w, bias, scale, shift, residual, relu, p);
        int[] inShape = {first.size(0), channels, first.size(2), first.size(3)};
        Supplier<String> where = () -> "conv2d(inputs " + parts.stream().map(Tensor::describe).toList() + " concatenated, weight "
                + w.describe() + (bias == null ? "" : ", bias " + bias.describe()) + ")";
        check(inShape, first.dtype(), w, bias, p, where);
        checkAffine(first.dtype(), first.device(), w, scale, shift, where);
        if (!fusable(inShape, first.dtype(), first.device(), inputGrad, w, bias, scale, shift, residual, p))
            return conv2dFused(Tensor.cat(parts, 1), w, bias, scale, shift, residual, relu, p);
        try (var gm = GradMode.noGrad()) {
            return first.backend().conv2dFusedConcat(parts, w, bias, scale, shift, residual, relu, p);
        }
    }

    /**
     * Whether the backend may run the fused convolution of an input of this shape, dtype and device (inputGrad: whether it
     * requires a gradient): nothing needs a gradient, and the residual, if any, has exactly the output's shape, dtype
     * and device (otherwise the composed ops broadcast it).
     */
    private static boolean fusable(int[] inShape, DType dt, Device dev, boolean inputGrad, Tensor w, Tensor bias, Tensor scale,
                                   Tensor shift, Tensor residual, Conv2dParams p) {
        boolean grad = GradMode.isEnabled() && (inputGrad || w.requiresGrad() || (bias != null && bias.requiresGrad())
                || (residual != null && residual.requiresGrad()) || (scale != null && (scale.requiresGrad() || shift.requiresGrad())));
        int[] outShape = {inShape[0], w.size(0), p.outH(inShape[2], w.size(2)), p.outW(inShape[3], w.size(3))};
        return !grad && (residual == null || (residual.dtype() == dt && residual.device().equals(dev) && Arrays.equals(residual.shapeRef(), outShape)));
    }

    /** A per-channel scale and shift come together, as [O] tensors of the input's dtype on its device. */
    private static void checkAffine(DType dt, Device dev, Tensor w, Tensor scale, Tensor shift, Supplier<String> where) {
        if ((scale == null) != (shift == null)) throw new TensorException(where.get() + ": a per-channel scale needs a shift, and a shift a scale");
        for (Tensor t : new Tensor[] {scale, shift})
            if (t != null && (t.dim() != 1 || t.size(0) != w.size(0) || t.dtype() != dt || !t.device().equals(dev)))
                throw new TensorException(where.get() + ": per-channel scale and shift must be " + w.size(0) + " values of "
                        + dt + " on " + dev + ", got " + t.describe());
    }

    private static void check(Tensor x, Tensor w, Tensor bias, Conv2dParams p) { check(x.shapeRef(), x.dtype(), w, bias, p, () -> where(x, w, bias)); }

    /** An input of shape xs and dtype dt against the weight, bias and parameters; where names the call in errors. */
    private static void check(int[] xs, DType dt, Tensor w, Tensor bias, Conv2dParams p, Supplier<String> where) {
        if (xs.length != 4 || w.dim() != 4) throw new TensorException(where.get() + ": input and weight must be 4-D");
        if (!dt.isComputeFloat() || dt != w.dtype() || (bias != null && bias.dtype() != dt))
            throw new TensorException(where.get() + ": dtypes must all be float32 or all float64");
        int c = xs[1], o = w.size(0), g = p.groups();
        if (g < 1 || c % g != 0 || o % g != 0) throw new TensorException(where.get() + ": groups " + g + " must divide in and out channels");
        if (w.size(1) * g != c) throw new TensorException(where.get() + ": weight expects " + w.size(1) * g + " input channels, input has " + c);
        if (bias != null && (bias.dim() != 1 || bias.size(0) != o)) throw new TensorException(where.get() + ": bias must have " + o + " elements");
        if (p.strideH() < 1 || p.strideW() < 1 || p.dilationH() < 1 || p.dilationW() < 1 || p.padH() < 0 || p.padW() < 0)
            throw new TensorException(where.get() + ": bad params " + p);
        int oh = p.outH(xs[2], w.size(2)), ow = p.outW(xs[3], w.size(3));
        if (oh <= 0 || ow <= 0) throw new TensorException(where.get() + ": output would be empty (" + oh + "x" + ow + ")");
    }

    /** The error prefix, built only when a check fails (it is on every convolution's path). */
    private static String where(Tensor x, Tensor w, Tensor bias) {
        return "conv2d(input " + x.describe() + ", weight " + w.describe() + (bias == null ? "" : ", bias " + bias.describe()) + ")";
    }
}
