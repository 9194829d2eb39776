package org.magnet4j.nn.functional;

import java.util.ArrayList;
import java.util.List;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/** torch.nn.functional.interpolate and grid_sample, and torchvision.ops.roi_align, over [N,C,H,W]. */
public final class Resample {
    private Resample() {}

    /** F.interpolate(x, size=(outH, outW), mode, align_corners); align_corners only matters for bilinear. */
    public static Tensor interpolate(Tensor x, int outH, int outW, InterpMode mode, boolean alignCorners) {
        return Sampling.interpolate(x, outH, outW, mode, alignCorners);
    }

    /** F.interpolate(x, size=(outH, outW), mode='nearest'). */
    public static Tensor interpolateNearest(Tensor x, int outH, int outW) {
        return Sampling.interpolate(x, outH, outW, InterpMode.NEAREST, false);
    }

    /** F.interpolate(x, size=(outH, outW), mode='bilinear', align_corners=alignCorners). */
    public static Tensor interpolateBilinear(Tensor x, int outH, int outW, boolean alignCorners) {
        return Sampling.interpolate(x, outH, outW, InterpMode.BILINEAR, alignCorners);
    }

    /**
     * F.interpolate(x, scale_factor=(scaleH, scaleW), mode, align_corners) with recompute_scale_factor unset:
     * the output is floor(in * scale) and the scale itself maps coordinates, as PyTorch does.
     */
    public static Tensor interpolateScale(Tensor x, double scaleH, double scaleW, InterpMode mode, boolean alignCorners) {
        return Sampling.interpolateScale(x, scaleH, scaleW, mode, alignCorners);
    }

    /** F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners). grid is [N,Ho,Wo,2] of (x, y). */
    public static Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) {
        return Sampling.gridSample(x, grid, alignCorners);
    }

    /**
     * torchvision.ops.roi_align(x, boxes, output_size, spatial_scale, sampling_ratio, aligned) with boxes as a
     * [K,5] tensor of rows (batch index, x1, y1, x2, y2). samplingRatio <= 0 means adaptive, as torchvision's -1.
     */
    public static Tensor roiAlign(Tensor x, Tensor boxes, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned) {
        return Sampling.roiAlign(x, boxes, outH, outW, spatialScale, samplingRatio, aligned);
    }

    /** roi_align with torchvision's list form: one [L_i,4] (x1, y1, x2, y2) tensor per image i. */
    public static Tensor roiAlign(Tensor x, List<Tensor> boxesPerImage, int outH, int outW, double spatialScale, int samplingRatio, boolean aligned) {
        return roiAlign(x, toRois(boxesPerImage, x.dtype()), outH, outW, spatialScale, samplingRatio, aligned);
    }

    /** torchvision's convert_boxes_to_roi_format: concatenates the per-image boxes with their image index in front. */
    public static Tensor toRois(List<Tensor> boxesPerImage, DType dtype) {
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < boxesPerImage.size(); i++) {
            Tensor b = boxesPerImage.get(i);
            if (b.dim() != 2 || b.size(1) != 4) throw new TensorException("roi_align: boxes of image " + i + " must be [L,4] (x1, y1, x2, y2), got " + b.describe());
            Tensor idx = Tensor.full(b.device(), dtype, i, b.size(0), 1);
            rows.add(Tensor.cat(List.of(idx, b.to(dtype)), 1));
        }
        if (rows.isEmpty()) throw new TensorException("roi_align: no box tensors given");
        return Tensor.cat(rows, 0);
    }
}
