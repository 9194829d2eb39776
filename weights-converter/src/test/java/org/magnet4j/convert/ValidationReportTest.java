package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.DType;

/** Validation against a model's expected names and shapes lists missing, unexpected and mismatched keys. */
class ValidationReportTest {
    @TempDir Path dir;

    @Test
    void listsMissingUnexpectedAndMismatched() {
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        t.put("a", new StoredTensor("a", DType.FLOAT32, new int[] {2}, new float[2]));
        t.put("b", new StoredTensor("b", DType.FLOAT32, new int[] {3}, new float[3]));
        t.put("extra", new StoredTensor("extra", DType.FLOAT32, new int[] {1}, new float[1]));
        Map<String, int[]> model = new LinkedHashMap<>();
        model.put("a", new int[] {2});
        model.put("b", new int[] {4});
        model.put("c", new int[] {1});
        ValidationReport r = ValidationReport.validate(t, model);
        assertFalse(r.ok());
        assertEquals(List.of("c"), r.missing());
        assertEquals(List.of("extra"), r.unexpected());
        assertEquals(List.of("b: file [3], model [4]"), r.shapeMismatches());
        assertTrue(r.summary().contains("1 missing keys: c"), r.summary());
    }

    @Test
    void converterRefusesAMismatchAndWritesNothing() throws IOException {
        Path in = Fixtures.resourceFile("proto4.pth", dir);
        Path out = dir.resolve("out.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Converter.convert(in, out, ConvertOptions.defaults().withExpectedShapes(Map.of("conv.weight", new int[] {3, 3}))));
        assertTrue(e.getMessage().contains("conv.weight: file [2, 2], model [3, 3]"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
