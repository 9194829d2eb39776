package org.magnet4j.convert;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one entry point for reading weights: {@code Checkpoints.load(path)} sniffs the format (torch zip, torch legacy
 * stream, safetensors) and returns the state dict's tensors as plain Java arrays. Every failure, whatever the
 * cause, is a {@link CheckpointException} naming the file and the problem.
 */
public final class Checkpoints {
    /** Files at least this large are materialised on several threads (see {@link StorageWorkers}). */
    static final long PARALLEL_THRESHOLD = 4L << 20;
    /** The threshold in force: tests lower it to run small fixtures through the parallel path. */
    static volatile long parallelThreshold = PARALLEL_THRESHOLD;

    private Checkpoints() {}

    public static Checkpoint load(Path file) throws CheckpointException { return load(file, LoadOptions.defaults()); }

    public static Checkpoint load(Path file, LoadOptions options) throws CheckpointException {
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ByteSource.of(ch, ch.size()), source, options);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source, "no such file");
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(source, "cannot read: " + e, e);
        }
    }

    /** Reads a checkpoint held in memory; {@code sourceName} is used in messages. */
    public static Checkpoint load(byte[] content, String sourceName, LoadOptions options) throws CheckpointException {
        return read(ByteSource.of(MemorySegment.ofArray(content)), sourceName, options);
    }

    /** The container format of a file, from its first bytes; null when none of ours. */
    public static Checkpoint.Format sniff(Path file) throws CheckpointException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return sniff(ByteSource.of(ch, ch.size()).read(0, Math.min(ch.size(), 4096)), ch.size());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file.toString(), "cannot read: " + e, e);
        }
    }

    static Checkpoint.Format sniff(MemorySegment head, long fileSize) {
        if (ZipContainer.looksLikeZip(head)) return Checkpoint.Format.TORCH_ZIP;
        if (SafetensorsReader.looksLikeSafetensors(head, fileSize)) return Checkpoint.Format.SAFETENSORS;
        if (head.byteSize() >= 2 && (head.get(ValueLayout.JAVA_BYTE, 0) & 0xff) == 0x80) return Checkpoint.Format.TORCH_LEGACY;
        return null;
    }

    static Checkpoint read(ByteSource bytes, String source, LoadOptions options) throws CheckpointException {
        try {
            MemorySegment head = bytes.read(0, Math.min(bytes.size(), 4096));
            Checkpoint.Format format = sniff(head, bytes.size());
            if (format == null) {
                if (head.byteSize() >= 262 && new String(head.asSlice(257, 5).toArray(ValueLayout.JAVA_BYTE)).equals("ustar"))
                    throw new CorruptInputException("legacy tar checkpoints (PyTorch < 0.4) are not supported");
                throw new CorruptInputException("wrong magic: neither a torch.save zip, a torch.save legacy stream nor a safetensors file");
            }
            return switch (format) {
                case SAFETENSORS -> SafetensorsReader.read(bytes, source, options);
                case TORCH_ZIP -> fromTorch(TorchZipReader.read(ZipContainer.open(bytes), options.verifyChecksums()), format, source, options, bytes.size());
                case TORCH_LEGACY -> fromTorch(TorchLegacyReader.read(bytes), format, source, options, bytes.size());
            };
        } catch (CorruptInputException e) {
            throw new CheckpointException(source, e.getMessage());
        } catch (CheckpointException e) {
            throw e;
        } catch (java.io.UncheckedIOException e) {
            throw new CheckpointException(source, "cannot read: " + e.getCause(), e.getCause());
        } catch (RuntimeException e) {
            // Not expected (the parsers check before they read); if it happens, it is still a damaged file to the user.
            throw new CheckpointException(source, "damaged or unsupported file (" + e + ")", e);
        } catch (StackOverflowError e) {
            throw new CheckpointException(source, "structure nested too deeply", null);
        }
    }

    private static Checkpoint fromTorch(RawCheckpoint raw, Checkpoint.Format format, String source, LoadOptions options, long fileSize)
            throws CheckpointException {
        StateDictLocator.Located sd = StateDictLocator.locate(raw.root(), options.stateDictKey());
        Map<String, String> info = new LinkedHashMap<>(raw.info());
        if (!sd.path().isEmpty()) info.put("state dict", "entry '" + PickleGlobals.printable(sd.path()) + "' of a training checkpoint");
        if (!sd.skipped().isEmpty()) info.put("skipped non-tensor entries", String.valueOf(sd.skipped().size()));
        info.put("PyTorch version", "not recorded by torch.save");

        // Map keys first, so dropped entries are never read.
        Map<String, TensorRef> mapped = mapKeys(sd.tensors(), options.keyMapping(), source);

        // Materialise storage by storage: each storage's bytes are read once (into a thread's scratch buffer),
        // CRC-checked, then every view over it is copied out. Storages are independent, so large files use a few threads.
        List<String> names = new ArrayList<>(mapped.keySet());
        Map<String, List<Integer>> byStorage = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++)
            byStorage.computeIfAbsent(mapped.get(names.get(i)).storage().key(), k -> new ArrayList<>()).add(i);
        List<List<Integer>> groups = new ArrayList<>(byStorage.values());
        ViewMaterializer views = ViewMaterializer.forFileSize(fileSize);
        StoredTensor[] out = new StoredTensor[names.size()];
        StorageWorkers.run(groups.size(), StorageWorkers.threadsFor(fileSize), (g, scratch) -> {
            List<Integer> group = groups.get(g);
            TensorRef first = mapped.get(names.get(group.getFirst()));
            ByteOrder order = raw.storages().order();
            if (group.size() == 1 && ViewMaterializer.streamable(first)) {
                // The usual case, one plain tensor per storage: copied out chunk by chunk while each chunk is in cache.
                Object data = views.allocate(first);
                raw.storages().stream(first.storage(), scratch, (chunk, at) -> ViewMaterializer.fill(first, data, chunk, at, order));
                out[group.getFirst()] = stored(names.get(group.getFirst()), first, ViewMaterializer.finish(first, data), options);
            } else {
                MemorySegment bytes = raw.storages().bytes(first.storage(), scratch);
                for (int i : group) out[i] = stored(names.get(i), mapped.get(names.get(i)), views.materialize(mapped.get(names.get(i)), bytes, order), options);
            }
        });
        Map<String, StoredTensor> ordered = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) ordered.put(names.get(i), out[i]);
        return new Checkpoint(source, format, ordered, info, sd.extras());
    }

    private static StoredTensor stored(String name, TensorRef t, Object data, LoadOptions options) {
        StoredTensor st = new StoredTensor(name, t.storage().type().dtype, t.shape(), data);
        return options.widenHalf() ? st.widenHalf() : st;
    }

    static <T> Map<String, T> mapKeys(Map<String, T> in, KeyMapping mapping, String source) throws CheckpointException {
        Map<String, T> mapped = new LinkedHashMap<>();
        Map<String, String> origin = new HashMap<>();
        for (Map.Entry<String, T> e : in.entrySet()) {
            String k = mapping.map(e.getKey());
            if (k == null) continue;
            String before = origin.putIfAbsent(k, e.getKey());
            if (before != null)
                throw new CheckpointException(source, "keys '" + PickleGlobals.printable(before) + "' and '" + PickleGlobals.printable(e.getKey())
                        + "' both map to '" + PickleGlobals.printable(k) + "'; change the key mapping");
            mapped.put(k, e.getValue());
        }
        return mapped;
    }
}
