package org.magnet4j.magnet.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.magnet4j.convert.Checkpoint;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.Checkpoints;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.StateDictException;
import org.magnet4j.tensor.Tensor;

/**
 * Loads a checkpoint (.pth in either torch format, or .safetensors) into a model the way the reference
 * does: a leading "model." or "module." is stripped, loading is non-strict, and missing/unexpected keys
 * are reported. A tensor of the wrong shape (another model, another class count) fails with its name.
 */
public final class Weights {
    private Weights() {}

    public static LoadReport load(Module model, Path file, boolean strict) {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("weights file not found: " + file.toAbsolutePath()
                    + " (the released MagNet checkpoints are listed in the README)");
        Checkpoint ckpt;
        try {
            ckpt = Checkpoints.load(file);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        ckpt.tensors().forEach((k, v) -> state.put(k, v.toTensor()));
        try {
            return model.loadStateDict(state, strict);
        } catch (StateDictException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage()
                    + " — is this checkpoint for another model or another --num_classes?", e);
        }
    }
}
