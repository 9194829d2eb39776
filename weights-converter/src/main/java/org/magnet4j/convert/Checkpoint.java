package org.magnet4j.convert;

import java.util.Collections;
import java.util.Map;

/**
 * A loaded checkpoint: its tensors in file order (after key mapping), facts about the file (format, versions, byte
 * order; for {@code inspect}), and the scalar entries of a training checkpoint (epoch, best_mIoU...).
 */
public final class Checkpoint {
    /** The container a checkpoint came from. */
    public enum Format { TORCH_ZIP, TORCH_LEGACY, SAFETENSORS }

    private final String source;
    private final Format format;
    private final Map<String, StoredTensor> tensors;
    private final Map<String, String> info;
    private final Map<String, String> extras;

    Checkpoint(String source, Format format, Map<String, StoredTensor> tensors, Map<String, String> info, Map<String, String> extras) {
        this.source = source;
        this.format = format;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.info = Collections.unmodifiableMap(info);
        this.extras = Collections.unmodifiableMap(extras);
    }

    public String source() { return source; }

    public Format format() { return format; }

    /** Name to tensor, in the order the file lists them. */
    public Map<String, StoredTensor> tensors() { return tensors; }

    public StoredTensor get(String name) { return tensors.get(name); }

    /** Facts about the file: format, serialization version, byte order, pickle protocol, safetensors metadata. */
    public Map<String, String> info() { return info; }

    /** Scalar entries beside the state dict in a training checkpoint ({@code epoch -> 12}). */
    public Map<String, String> extras() { return extras; }

    /** Elements in all tensors. */
    public long elementCount() { return tensors.values().stream().mapToLong(StoredTensor::numel).sum(); }

    /**
     * Elements in learnable parameters: all tensors except batch-norm buffers (running_mean, running_var,
     * num_batches_tracked), which is how PyTorch's {@code sum(p.numel() for p in model.parameters())} counts.
     */
    public long parameterCount() {
        return tensors.entrySet().stream().filter(e -> !isBuffer(e.getKey())).mapToLong(e -> e.getValue().numel()).sum();
    }

    static boolean isBuffer(String key) {
        return key.endsWith("running_mean") || key.endsWith("running_var") || key.endsWith("num_batches_tracked");
    }
}
