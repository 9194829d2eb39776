package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Tensor;

/** Stable sort, top-k and median along a dim. */
final class SortKernels {
    private SortKernels() {}

    /** Returns {values, int64 indices}; stable (equal values keep index order) in both directions. */
    static Tensor[] sort(CpuBackend be, Tensor x, int dim, boolean descending) {
        throw new UnsupportedOperationException("sort: CPU kernel not written yet");
    }
}
