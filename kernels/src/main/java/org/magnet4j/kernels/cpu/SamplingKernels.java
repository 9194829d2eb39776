package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Tensor;

/** interpolate, grid_sample and roi_align with PyTorch/torchvision semantics, forward and backward. */
final class SamplingKernels {
    private SamplingKernels() {}

    static Tensor interpolate(CpuBackend be, Tensor x, int oh, int ow, InterpMode mode, boolean alignCorners, double sh, double sw) {
        throw new UnsupportedOperationException("interpolate: CPU kernel not written yet");
    }

    static Tensor interpolateBackward(CpuBackend be, Tensor gy, int[] xs, InterpMode mode, boolean alignCorners, double sh, double sw) {
        throw new UnsupportedOperationException("interpolate backward: CPU kernel not written yet");
    }

    static Tensor gridSample(CpuBackend be, Tensor x, Tensor grid, boolean alignCorners) {
        throw new UnsupportedOperationException("grid_sample: CPU kernel not written yet");
    }

    static Tensor[] gridSampleBackward(CpuBackend be, Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        throw new UnsupportedOperationException("grid_sample backward: CPU kernel not written yet");
    }

    static Tensor roiAlign(CpuBackend be, Tensor x, Tensor boxes, int oh, int ow, double scale, int samplingRatio, boolean aligned) {
        throw new UnsupportedOperationException("roi_align: CPU kernel not written yet");
    }

    static Tensor roiAlignBackward(CpuBackend be, Tensor gy, Tensor boxes, int[] xs, double scale, int samplingRatio, boolean aligned) {
        throw new UnsupportedOperationException("roi_align backward: CPU kernel not written yet");
    }
}
