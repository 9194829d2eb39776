package org.magnet4j.tensor;

/** interpolate, grid_sample, roi_align and unfold: checked here, computed by the backend. */
public final class Sampling {
    private Sampling() {}

    private static void check4d(String op, Tensor x) {
        if (x.dim() != 4) throw new TensorException(op + ": input must be [N,C,H,W], got " + x.describe());
        if (!x.dtype().isComputeFloat()) throw new TensorException(op + ": needs float32 or float64, got " + x.describe());
    }

    /** Resize to (outH, outW); align_corners is ignored for nearest, as in PyTorch. */
    public static Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners) {
        return interpolate(x, outH, outW, mode, alignCorners, 0, 0);
    }

    /** Resize by scale factors: output floor(in * scale); the scale itself maps coordinates, as PyTorch. */
    public static Tensor interpolateScale(Tensor x, double scaleH, double scaleW, InterpMode mode, boolean alignCorners) {
        check4d("interpolate", x);
        if (!(scaleH > 0) || !(scaleW > 0)) throw new TensorException("interpolate: scale factors must be positive, got " + scaleH + ", " + scaleW);
        int oh = (int) Math.floor(x.size(2) * scaleH), ow = (int) Math.floor(x.size(3) * scaleW);
        return interpolate(x, oh, ow, mode, alignCorners, scaleH, scaleW);
    }

    private static Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners, double sh, double sw) {
        check4d("interpolate", x);
        if (outH <= 0 || outW <= 0) throw new TensorException("interpolate: output size " + outH + "x" + outW + " must be positive (input " + x.describe() + ")");
        if (x.size(2) == 0 || x.size(3) == 0) throw new TensorException("interpolate: empty input " + x.describe());
        boolean ac = mode == InterpMode.BILINEAR && alignCorners;
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().interpolate(x, outH, outW, mode, ac, sh, sw);
        }
        int[] xs = x.shape();
        return Autograd.record(out, "interpolate", g -> new Tensor[] {g.backend().interpolateBackward(g, xs, mode, ac, sh, sw)}, x);
    }

    /** Bilinear sampling with zero padding; grid [N,Ho,Wo,2] holds (x, y) in [-1, 1]. */
    public static Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) {
        check4d("grid_sample", x);
        if (grid.dim() != 4 || grid.size(3) != 2 || grid.size(0) != x.size(0))
            throw new TensorException("grid_sample: grid must be [N,Ho,Wo,2] with N = " + x.size(0) + ", got " + grid.describe() + " for input " + x.describe());
        if (grid.dtype() != x.dtype()) throw new TensorException("grid_sample: input " + x.describe() + " and grid " + grid.describe() + " dtypes differ");
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().gridSample(x, grid, alignCorners);
        }
        return Autograd.record(out, "grid_sample", g -> g.backend().gridSampleBackward(g, x, grid, alignCorners), x, grid);
    }

    /**
     * torchvision.ops.roi_align. boxes [K,5] rows (batch index, x1, y1, x2, y2) in input pixels before
     * spatialScale; samplingRatio <= 0 means adaptive (ceil(roi size / output size)).
     */
    public static Tensor roiAlign(Tensor x, Tensor boxes, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned) {
        check4d("roi_align", x);
        if (boxes.dim() != 2 || boxes.size(1) != 5) throw new TensorException("roi_align: boxes must be [K,5] (batch, x1, y1, x2, y2), got " + boxes.describe());
        if (outH <= 0 || outW <= 0) throw new TensorException("roi_align: output size " + outH + "x" + outW + " must be positive");
        Tensor b = boxes.dtype() == x.dtype() ? boxes : boxes.to(x.dtype());
        double[] rows = b.toDoubleArray();
        for (int i = 0; i < rows.length; i += 5)
            if (rows[i] < 0 || rows[i] >= x.size(0) || rows[i] != Math.floor(rows[i]))
                throw new TensorException("roi_align: box " + i / 5 + " has batch index " + rows[i] + ", input " + x.describe() + " has " + x.size(0));
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().roiAlign(x, b, outH, outW, spatialScale, samplingRatio, aligned);
        }
        int[] xs = x.shape();
        return Autograd.record(out, "roi_align", g -> new Tensor[] {g.backend().roiAlignBackward(g, b, xs, spatialScale, samplingRatio, aligned)}, x);
    }

    /** torch.nn.functional.unfold (im2col). */
    public static Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) {
        check4d("unfold", x);
        if (p.outH(x.size(2), kH) <= 0 || p.outW(x.size(3), kW) <= 0)
            throw new TensorException("unfold: kernel " + kH + "x" + kW + " does not fit input " + x.describe());
        try (var g = GradMode.noGrad()) {
            Tensor out = x.backend().unfold(x, kH, kW, p);
            if (x.requiresGrad()) throw new TensorException("unfold: backward is not supported; use it under noGrad");
            return out;
        }
    }
}
