package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The released-style HRNet checkpoint: counts, and .pth -> .safetensors -> tensors bit-identical. */
class HrnetCheckpointTest {
    @TempDir Path dir;

    @Test
    void hrnetCheckpointCountsAndSafetensorsRoundTrip() throws IOException {
        Path pth = Fixtures.fixture("checkpoints/hrnet18_ocr_c19.pth");
        Checkpoint c = Checkpoints.load(pth, LoadOptions.raw());
        assertEquals(924, c.tensors().size());
        assertEquals(6_379_278L, c.parameterCount());
        assertEquals(6_401_551L, c.elementCount(), "including batch-norm buffers");

        Path st = dir.resolve("hrnet.safetensors");
        Converter.convert(pth, st, ConvertOptions.defaults().withLoadOptions(LoadOptions.raw()));
        Checkpoint back = Checkpoints.load(st, LoadOptions.raw());
        assertEquals(c.tensors().keySet(), back.tensors().keySet(), "same keys, same order");
        for (Map.Entry<String, StoredTensor> e : c.tensors().entrySet())
            assertTrue(e.getValue().contentEquals(back.get(e.getKey())), e.getKey());
        assertEquals("pt", back.info().get("metadata.format"));
    }
}
