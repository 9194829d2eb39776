package org.magnet4j.magnet.models;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.Checkpoints;
import org.magnet4j.tensor.Tensor;

/** Fixture .pth files through the converter's reader (default key mapping: leading model./module. stripped). */
final class TestCheckpoints {
    private TestCheckpoints() {}

    static Map<String, Tensor> stateDict(Path pth) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        try {
            Checkpoints.load(pth).tensors().forEach((k, v) -> sd.put(k, v.toTensor()));
        } catch (CheckpointException e) {
            throw new AssertionError("cannot read " + pth, e);
        }
        return sd;
    }
}
