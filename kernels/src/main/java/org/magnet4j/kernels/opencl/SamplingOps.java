package org.magnet4j.kernels.opencl;

import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Tensor;

/** interpolate, grid_sample and roi_align, forward and backward. */
final class SamplingOps {
    private final OpenClBackend be;

    SamplingOps(OpenClBackend be) { this.be = be; }

    Tensor interpolate(Tensor x, int oh, int ow, InterpMode mode, boolean alignCorners, double sh, double sw) {
        throw new UnsupportedOperationException("interpolate: OpenCL kernel not written yet");
    }

    Tensor interpolateBackward(Tensor gy, int[] xs, InterpMode mode, boolean alignCorners, double sh, double sw) {
        throw new UnsupportedOperationException("interpolate backward: OpenCL kernel not written yet");
    }

    Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) {
        throw new UnsupportedOperationException("grid_sample: OpenCL kernel not written yet");
    }

    Tensor[] gridSampleBackward(Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        throw new UnsupportedOperationException("grid_sample backward: OpenCL kernel not written yet");
    }

    Tensor roiAlign(Tensor x, Tensor boxes, int oh, int ow, double scale, int samplingRatio, boolean aligned) {
        throw new UnsupportedOperationException("roi_align: OpenCL kernel not written yet");
    }

    Tensor roiAlignBackward(Tensor gy, Tensor boxes, int[] xs, double scale, int samplingRatio, boolean aligned) {
        throw new UnsupportedOperationException("roi_align backward: OpenCL kernel not written yet");
    }
}
