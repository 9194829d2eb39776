package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.magnet4j.tensor.DType;

/** Every file in fixtures/formats loads, with the right values, dtypes, views and key mapping. */
class FixtureFormatsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dtypes_views.pth", "dtypes_views_legacy.pth"})
    void dtypesAndViewsMatchExpectedElementForElement(String file) throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/" + file), LoadOptions.raw());
        List<String> lines = Files.readAllLines(Fixtures.fixture("formats/dtypes_views.expected.txt"));
        assertEquals(lines.size(), c.tensors().size());
        List<String> names = new ArrayList<>(c.tensors().keySet());
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            StoredTensor t = c.get(f[0]);
            assertEquals(f[0], names.get(i), "key order");
            assertEquals(f[1], t.dtype().toString(), f[0] + " dtype");
            assertEquals(f[2], Arrays.toString(t.shape()), f[0] + " shape");
            double[] expected = f[3].isBlank() ? new double[0] : Stream.of(f[3].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            assertArrayEquals(expected, t.toDoubleArray(), 0.0, f[0] + " elements");
        }
        assertEquals(Checkpoint.Format.valueOf(file.contains("legacy") ? "TORCH_LEGACY" : "TORCH_ZIP"), c.format());
    }

    @Test
    void halfTypesWidenOnRequest() throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/dtypes_views.pth"), LoadOptions.raw().withWidenHalf(true));
        assertEquals(DType.FLOAT32, c.get("f16").dtype());
        assertArrayEquals(new float[] {-2, -1, 0, 1, 2}, (float[]) c.get("f16").data());
        assertArrayEquals(new float[] {-3, -1.5f, 0, 1.5f, 3}, (float[]) c.get("bf16").data());
        assertEquals(DType.FLOAT64, c.get("f64").dtype(), "other dtypes are untouched");
    }

    /** Every refinement_* variant (prefixes, legacy, cuda, training checkpoint) holds the tensors of refinement_c19_512.pth. */
    @ParameterizedTest
    @ValueSource(strings = {"refinement_zip.pth", "refinement_legacy.pth", "refinement_model_prefix.pth",
            "refinement_module_prefix_legacy.pth", "refinement_training_checkpoint.pth", "refinement_cuda_location.pth",
            "refinement_cuda_location_legacy.pth"})
    void refinementVariantsAllLoadTheSameTensors(String file) throws IOException {
        Checkpoint reference = Checkpoints.load(Fixtures.fixture("checkpoints/refinement_c19_512.pth"), LoadOptions.raw());
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/" + file));
        assertEquals(reference.tensors().keySet(), c.tensors().keySet());
        for (Map.Entry<String, StoredTensor> e : reference.tensors().entrySet())
            assertTrue(e.getValue().contentEquals(c.get(e.getKey())), file + ": " + e.getKey());
    }

    @Test
    void trainingCheckpointExposesStateDictAndExtras() throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/refinement_training_checkpoint.pth"));
        assertTrue(c.extras().containsKey("epoch"), c.extras().toString());
        assertTrue(c.extras().containsKey("best_mIoU"), c.extras().toString());
        assertTrue(c.info().get("state dict").contains("state_dict"));
        Checkpoint raw = Checkpoints.load(Fixtures.fixture("formats/refinement_training_checkpoint.pth"), LoadOptions.raw());
        assertTrue(raw.tensors().keySet().stream().allMatch(k -> k.startsWith("model.")), "raw keys keep their model. prefix");
    }

    @Test
    void prefixesAreKeptWhenMappingIsOff() throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/refinement_module_prefix_legacy.pth"), LoadOptions.raw());
        assertTrue(c.tensors().keySet().stream().allMatch(k -> k.startsWith("module.")));
    }

    @Test
    void everyFormatsFileLoads() throws IOException {
        Path dir = Fixtures.fixture("formats");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pth")).toList()) {
                Checkpoint c = Checkpoints.load(p);
                assertTrue(c.tensors().size() > 0, p.toString());
            }
        }
    }
}
