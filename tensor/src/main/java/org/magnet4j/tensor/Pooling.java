package org.magnet4j.tensor;

/** Max, average and adaptive average pooling over [N,C,H,W]. */
final class Pooling {
    private Pooling() {}

    private static void check(String op, Tensor x) {
        if (x.dim() != 4) throw new TensorException(op + ": input must be [N,C,H,W], got " + x.describe());
        if (!x.dtype().isComputeFloat()) throw new TensorException(op + ": needs float32 or float64, got " + x.describe());
    }

    private static void checkParams(String op, Tensor x, Pool2dParams p) {
        check(op, x);
        if (p.padH() * 2 > p.kH() || p.padW() * 2 > p.kW())
            throw new TensorException(op + ": padding " + p.padH() + "x" + p.padW() + " must be at most half the kernel " + p.kH() + "x" + p.kW());
        if (p.outH(x.size(2)) <= 0 || p.outW(x.size(3)) <= 0)
            throw new TensorException(op + ": input " + x.describe() + " is too small for kernel " + p.kH() + "x" + p.kW());
    }

    static Tensor maxPool2d(Tensor x, Pool2dParams p) {
        checkParams("max_pool2d", x, p);
        if (!GradMode.isEnabled() || !x.requiresGrad()) { // inference: the indices would never be read
            try (var g = GradMode.noGrad()) {
                return x.backend().maxPool2dValues(x, p);
            }
        }
        Tensor[] r;
        try (var g = GradMode.noGrad()) {
            r = x.backend().maxPool2d(x, p);
        }
        Tensor idx = r[1];
        int[] xs = x.shape();
        return Autograd.record(r[0], "max_pool2d", g -> new Tensor[] {g.backend().maxPool2dBackward(g, idx, xs)}, x);
    }

    static Tensor avgPool2d(Tensor x, Pool2dParams p) {
        checkParams("avg_pool2d", x, p);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().avgPool2d(x, p);
        }
        int[] xs = x.shape();
        return Autograd.record(out, "avg_pool2d", g -> new Tensor[] {g.backend().avgPool2dBackward(g, xs, p)}, x);
    }

    static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        check("adaptive_avg_pool2d", x);
        if (outH <= 0 || outW <= 0) throw new TensorException("adaptive_avg_pool2d: output size " + outH + "x" + outW + " must be positive");
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().adaptiveAvgPool2d(x, outH, outW);
        }
        int[] xs = x.shape();
        return Autograd.record(out, "adaptive_avg_pool2d", g -> new Tensor[] {g.backend().adaptiveAvgPool2dBackward(g, xs)}, x);
    }
}
