package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.DType;

/**
 * Files above {@link Checkpoints#PARALLEL_THRESHOLD} take the multi-threaded path, and storages larger than
 * {@link ZipContainer#STREAM_CHUNK} are read chunk by chunk: the result must match the in-memory path element for
 * element, and damage found late (a CRC checked after the last chunk) must still end in a CheckpointException.
 */
class LargeFileLoadTest {
    private static final float MARK = 12345.678f;

    @TempDir Path dir;

    private static Map<String, StoredTensor> tensors() {
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        for (int k = 0; k < 3; k++) { // 3 x 2.4 MB, not a multiple of the chunk size
            float[] v = new float[600_001];
            for (int i = 0; i < v.length; i++) v[i] = k == 2 ? MARK : i * 0.5f - k;
            t.put("big" + k, new StoredTensor("big" + k, DType.FLOAT32, new int[] {600_001}, v));
        }
        t.put("flag", new StoredTensor("flag", DType.BOOL, new int[] {3}, new byte[] {1, 0, 1}));
        t.put("steps", new StoredTensor("steps", DType.INT64, new int[] {}, new long[] {42}));
        t.put("small", new StoredTensor("small", DType.FLOAT64, new int[] {2, 2}, new double[] {1, -2, Math.PI, 0}));
        return t;
    }

    @Test
    void largeFileLoadsLikeTheInMemoryPath() throws Exception {
        Map<String, StoredTensor> t = tensors();
        Path f = dir.resolve("large.pth");
        TorchZipWriter.write(f, t);
        assertTrue(Files.size(f) >= Checkpoints.PARALLEL_THRESHOLD, "takes the parallel path");
        Checkpoint fromFile = Checkpoints.load(f, LoadOptions.raw());
        Checkpoint fromMemory = Checkpoints.load(Files.readAllBytes(f), "memory", LoadOptions.raw());
        assertEquals(List.copyOf(t.keySet()), List.copyOf(fromFile.tensors().keySet()), "same keys, same order");
        for (String k : t.keySet()) {
            assertTrue(t.get(k).contentEquals(fromFile.get(k)), k);
            assertTrue(t.get(k).contentEquals(fromMemory.get(k)), k);
        }
    }

    @Test
    void damageInALargeStorageIsRefused() throws Exception {
        Path f = dir.resolve("damaged.pth");
        TorchZipWriter.write(f, tensors());
        byte[] b = Files.readAllBytes(f);
        int at = markRun(b) + 4 * 300_000 + 1; // deep inside big2's data: only its CRC can notice
        b[at] ^= 0x40;
        Files.write(f, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(f, LoadOptions.raw()));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());
        // With checks off the same file loads, damaged element and all.
        Checkpoint c = Checkpoints.load(f, LoadOptions.raw().withVerifyChecksums(false));
        float[] big2 = (float[]) c.get("big2").data();
        assertFalse(Float.floatToRawIntBits(big2[300_000]) == Float.floatToRawIntBits(MARK));
    }

    @Test
    void damageInAStorageNoKeptTensorUsesIsNotReported() throws Exception {
        // big2 fails its CRC but the key mapping drops it: nothing kept needs the damaged bytes, so the load succeeds.
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        for (var e : tensors().entrySet()) {
            String k = e.getKey().equals("big2") ? "bn.num_batches_tracked" : e.getKey();
            t.put(k, new StoredTensor(k, e.getValue().dtype(), e.getValue().shape(), e.getValue().data()));
        }
        Path f = dir.resolve("damaged-dropped.pth");
        TorchZipWriter.write(f, t);
        byte[] b = Files.readAllBytes(f);
        b[markRun(b) + 4 * 300_000 + 1] ^= 0x40;
        Files.write(f, b);
        LoadOptions drop = LoadOptions.raw().withKeyMapping(KeyMapping.none().withDropNumBatchesTracked(true));
        Checkpoint c = Checkpoints.load(f, drop);
        assertEquals(List.of("big0", "big1", "flag", "steps", "small"), List.copyOf(c.tensors().keySet()));
        assertTrue(t.get("big1").contentEquals(c.get("big1")));
        assertThrows(CheckpointException.class, () -> Checkpoints.load(f, LoadOptions.raw()), "kept, the damage is reported");
    }

    @Test
    void viewsAndSharedStoragesLoadTheSameOnTheParallelPath() throws Exception {
        // The fixtures are small; with the threshold lowered they take the parallel path (several reader threads,
        // storages streamed chunk by chunk), views, shared storages and training checkpoints included.
        Path formats = Fixtures.fixture("formats");
        List<Path> files;
        try (var s = Files.list(formats)) {
            files = s.filter(p -> p.toString().endsWith(".pth")).sorted().toList();
        }
        assertTrue(files.size() >= 9, "fixture files found: " + files);
        for (Path f : files) {
            Checkpoint plain = Checkpoints.load(f, LoadOptions.raw());
            Checkpoint parallel;
            Checkpoints.parallelThreshold = 0;
            try {
                parallel = Checkpoints.load(f, LoadOptions.raw());
            } finally {
                Checkpoints.parallelThreshold = Checkpoints.PARALLEL_THRESHOLD;
            }
            assertEquals(List.copyOf(plain.tensors().keySet()), List.copyOf(parallel.tensors().keySet()), f.toString());
            for (String k : plain.tensors().keySet()) assertTrue(plain.get(k).contentEquals(parallel.get(k)), f + " " + k);
        }
    }

    @Test
    void truncatedLargeFileIsRefused() throws Exception {
        Path f = dir.resolve("cut.pth");
        TorchZipWriter.write(f, tensors());
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 100));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(f, LoadOptions.raw()));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    }

    /** The file offset where big2's elements (all MARK) start. */
    private static int markRun(byte[] b) {
        byte[] run = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(MARK).putFloat(MARK).putFloat(MARK).putFloat(MARK).array();
        for (int i = 0; i + run.length <= b.length; i++) if (Arrays.equals(b, i, i + run.length, run, 0, run.length)) return i;
        throw new AssertionError("no run of marks in the file");
    }
}
