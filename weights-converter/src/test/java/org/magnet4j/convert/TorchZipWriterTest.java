package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.DType;

/** torch.save-compatible files written by {@link TorchZipWriter} read back element for element, in order. */
class TorchZipWriterTest {
    @TempDir Path dir;

    @Test void roundTripsEveryDtypeAndShape() throws Exception {
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        t.put("conv.weight", new StoredTensor("conv.weight", DType.FLOAT32, new int[] {2, 3, 1, 1}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 6}));
        t.put("bn.num_batches_tracked", new StoredTensor("bn.num_batches_tracked", DType.INT64, new int[] {}, new long[] {123456789012L}));
        t.put("d", new StoredTensor("d", DType.FLOAT64, new int[] {3}, new double[] {Math.PI, -1e300, 0}));
        t.put("flag", new StoredTensor("flag", DType.BOOL, new int[] {2}, new byte[] {1, 0}));
        t.put("ids", new StoredTensor("ids", DType.INT32, new int[] {1, 2}, new int[] {-7, 70000}));
        t.put("big", new StoredTensor("big", DType.FLOAT32, new int[] {300}, new float[300]));
        Path f = dir.resolve("x.pth");
        TorchZipWriter.write(f, t);
        Checkpoint c = Checkpoints.load(f, LoadOptions.raw());
        assertEquals(Checkpoint.Format.TORCH_ZIP, c.format());
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
        for (String k : t.keySet()) assertTrue(t.get(k).contentEquals(c.get(k)), k);
        // the same tensors give the same bytes
        Path g = dir.resolve("y.pth");
        TorchZipWriter.write(g, t);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(g)));
        try (var ls = Files.list(dir)) { assertEquals(2, ls.count(), "no temporary file is left behind"); }
    }
}
