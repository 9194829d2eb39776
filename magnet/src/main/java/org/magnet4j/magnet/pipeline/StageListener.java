package org.magnet4j.magnet.pipeline;

import org.magnet4j.tensor.Tensor;

/** Told when each stage of the progressive inference finishes (for timing lines, progress and saving). */
public interface StageListener {
    /** @param prediction the running probability map [1, C, H_i, W_i] after this stage */
    void stageDone(int stage, Scale scale, Tensor prediction, int patchesRun, long nanos);

    /** Called after each backbone batch inside a stage. */
    default void patchesDone(int stage, int done, int total) {}

    StageListener NONE = (stage, scale, prediction, patchesRun, nanos) -> {};
}
