package org.magnet4j.magnet.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.magnet4j.convert.Checkpoint;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.Checkpoints;
import org.magnet4j.convert.LoadOptions;
import org.magnet4j.convert.SafetensorsWriter;
import org.magnet4j.convert.StoredTensor;
import org.magnet4j.convert.TorchZipWriter;
import org.magnet4j.tensor.DType;
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

    /**
     * Writes tensors as a torch.save zip checkpoint ({@code .pth}, loadable by PyTorch's {@code torch.load}) or,
     * for a {@code .safetensors} name, as safetensors. The file appears atomically.
     */
    public static void save(Map<String, Tensor> tensors, Path file) {
        Map<String, StoredTensor> stored = new LinkedHashMap<>();
        tensors.forEach((k, v) -> stored.put(k, stored(k, v)));
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            if (file.getFileName().toString().endsWith(".safetensors")) SafetensorsWriter.write(file, stored, Map.of());
            else TorchZipWriter.write(file, stored);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every tensor of a checkpoint under its stored name (no prefix stripping), in file order. */
    public static Map<String, Tensor> readAll(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("checkpoint not found: " + file.toAbsolutePath());
        try {
            Map<String, Tensor> out = new LinkedHashMap<>();
            Checkpoints.load(file, LoadOptions.raw()).tensors().forEach((k, v) -> out.put(k, v.toTensor()));
            return out;
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static StoredTensor stored(String name, Tensor t) {
        Tensor c = t.detach().contiguous();
        int[] shape = c.shape();
        return switch (c.dtype()) {
            case FLOAT32 -> new StoredTensor(name, DType.FLOAT32, shape, c.toFloatArray());
            case FLOAT64 -> new StoredTensor(name, DType.FLOAT64, shape, c.toDoubleArray());
            case INT64 -> new StoredTensor(name, DType.INT64, shape, c.toLongArray());
            default -> new StoredTensor(name, c.dtype(), shape, c.download());
        };
    }

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
