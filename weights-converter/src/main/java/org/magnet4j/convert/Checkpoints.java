package org.magnet4j.convert;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
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
    private Checkpoints() {}

    public static Checkpoint load(Path file) throws CheckpointException { return load(file, LoadOptions.defaults()); }

    public static Checkpoint load(Path file, LoadOptions options) throws CheckpointException {
        String source = file.toString();
        // The file is mapped, not read: storages are copied straight from the page cache into the result arrays.
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return read(bytes, source, options);
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
        return read(MemorySegment.ofArray(content), sourceName, options);
    }

    /** The container format of a file, from its first bytes; null when none of ours. */
    public static Checkpoint.Format sniff(Path file) throws CheckpointException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return sniff(ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(ch.size(), 4096), arena), ch.size());
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

    static Checkpoint read(MemorySegment bytes, String source, LoadOptions options) throws CheckpointException {
        try {
            Checkpoint.Format format = sniff(bytes, bytes.byteSize());
            if (format == null) {
                if (bytes.byteSize() >= 262 && new String(bytes.asSlice(257, 5).toArray(ValueLayout.JAVA_BYTE)).equals("ustar"))
                    throw new CorruptInputException("legacy tar checkpoints (PyTorch < 0.4) are not supported");
                throw new CorruptInputException("wrong magic: neither a torch.save zip, a torch.save legacy stream nor a safetensors file");
            }
            return switch (format) {
                case SAFETENSORS -> SafetensorsReader.read(bytes, source, options);
                case TORCH_ZIP -> fromTorch(TorchZipReader.read(ZipContainer.open(bytes), options.verifyChecksums()), format, source, options, bytes.byteSize());
                case TORCH_LEGACY -> fromTorch(TorchLegacyReader.read(bytes), format, source, options, bytes.byteSize());
            };
        } catch (CorruptInputException e) {
            throw new CheckpointException(source, e.getMessage());
        } catch (CheckpointException e) {
            throw e;
        } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException | ArithmeticException | ClassCastException
                 | NullPointerException | UnsupportedOperationException e) {
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

        // Materialise storage by storage: each storage's bytes are checked (CRC) and located once.
        List<Map.Entry<String, TensorRef>> order = new ArrayList<>(mapped.entrySet());
        order.sort(Comparator.comparing(e -> e.getValue().storage().key()));
        ViewMaterializer views = ViewMaterializer.forFileSize(fileSize);
        Map<String, StoredTensor> out = new HashMap<>();
        String currentKey = null;
        MemorySegment current = null;
        for (Map.Entry<String, TensorRef> e : order) {
            TensorRef t = e.getValue();
            if (!t.storage().key().equals(currentKey)) {
                currentKey = t.storage().key();
                current = raw.storages().bytes(t.storage());
            }
            Object data = views.materialize(t, current, raw.storages().order());
            StoredTensor st = new StoredTensor(e.getKey(), t.storage().type().dtype, t.shape(), data);
            out.put(e.getKey(), options.widenHalf() ? st.widenHalf() : st);
        }
        Map<String, StoredTensor> ordered = new LinkedHashMap<>();
        for (String k : mapped.keySet()) ordered.put(k, out.get(k));
        return new Checkpoint(source, format, ordered, info, sd.extras());
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
