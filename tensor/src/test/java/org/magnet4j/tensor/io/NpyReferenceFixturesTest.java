package org.magnet4j.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;

/**
 * Reads every .npy under {@code <shared.dir>/fixtures/reference} (the PyTorch reference outputs described in
 * fixtures/README.md) and checks the dtypes and shapes the README lists. Skipped when the shared folder is absent.
 */
class NpyReferenceFixturesTest {
    static Path reference;

    @BeforeAll
    static void locate() {
        String dir = System.getProperty("shared.dir");
        Assumptions.assumeTrue(dir != null, "system property shared.dir is not set (the surefire config sets it to <repo>/../shared)");
        reference = Path.of(dir, "fixtures", "reference");
        Assumptions.assumeTrue(Files.isDirectory(reference),
                "no reference fixtures at " + reference + " (shared.dir=" + dir + "); pass -Dshared.dir=/path/to/shared to run this test");
    }

    record Expect(DType dtype, int... shape) {}

    static final int[] FULL = {2, 19, 128, 256};
    static final int[] TRAIN = {2, 19, 64, 96};

    static final Map<String, Expect> README = new TreeMap<>(Map.ofEntries(
            Map.entry("hrnet18_ocr/hrnet18_ocr_input.npy", new Expect(DType.FLOAT32, 2, 3, 128, 256)),
            Map.entry("hrnet18_ocr/hrnet18_ocr_output.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("hrnet18_ocr/hrnet18_ocr_output_main.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("hrnet18_ocr/hrnet18_ocr_output_aux.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("refinement/refine_eval_fine.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("refinement/refine_eval_coarse.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("refinement/refine_eval_logits.npy", new Expect(DType.FLOAT32, FULL)),
            Map.entry("refinement/refine_train_coarse.npy", new Expect(DType.FLOAT32, TRAIN)),
            Map.entry("refinement/refine_train_fine.npy", new Expect(DType.FLOAT32, TRAIN)),
            Map.entry("refinement/refine_train_logits.npy", new Expect(DType.FLOAT32, TRAIN)),
            Map.entry("refinement/refine_train_label.npy", new Expect(DType.INT64, 2, 64, 96)),
            Map.entry("refinement/refine_train_loss.npy", new Expect(DType.FLOAT32, 1)),
            Map.entry("refinement/refine_train_grad.conv1.weight.npy", new Expect(DType.FLOAT32, 64, 38, 3, 3)),
            Map.entry("refinement/refine_train_step1.conv1.weight.npy", new Expect(DType.FLOAT32, 64, 38, 3, 3)),
            Map.entry("pipeline_cityscapes/argmax_256x128.npy", new Expect(DType.UINT8, 1024, 2048)),
            Map.entry("pipeline_cityscapes/argmax_512x256.npy", new Expect(DType.UINT8, 1024, 2048)),
            Map.entry("pipeline_cityscapes/argmax_1024x512.npy", new Expect(DType.UINT8, 1024, 2048)),
            Map.entry("pipeline_cityscapes/argmax_2048x1024.npy", new Expect(DType.UINT8, 1024, 2048)),
            Map.entry("pipeline_cityscapes/probs_256x128.npy", new Expect(DType.FLOAT32, 19, 128, 256)),
            Map.entry("pipeline_cityscapes/probs_512x256.npy", new Expect(DType.FLOAT32, 19, 256, 512))));

    @Test
    void readsEveryReferenceFile() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(reference)) {
            files = s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
        }
        assertTrue(files.size() >= README.size(), "found only " + files.size() + " .npy files under " + reference);
        int checked = 0;
        for (Path f : files) {
            NpyArray a = Npy.read(f);
            assertEquals(Npy.numel(a.shape()), a.numel());
            String rel = reference.relativize(f).toString().replace('\\', '/');
            Expect e = README.get(rel);
            if (e != null) {
                assertEquals(e.dtype(), a.dtype(), rel);
                assertArrayEquals(e.shape(), a.shape(), rel);
                checked++;
            } else if (rel.contains("running_") || rel.contains(".bias") || rel.contains("bn")) {
                assertEquals(DType.FLOAT32, a.dtype(), rel);
                assertEquals(1, a.shape().length, rel);
            }
        }
        assertEquals(README.size(), checked, "every file the README lists is present");
    }

    @Test
    void contentsLookRight() throws IOException {
        NpyArray label = Npy.read(reference.resolve("refinement/refine_train_label.npy"));
        long[] l = label.longs();
        for (int b = 0; b < 2; b++)
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 96; x++) {
                    long v = l[(b * 64 + y) * 96 + x];
                    if (y < 5) assertEquals(255, v, "ignore rows");
                    else assertTrue(v >= 0 && v < 19, "class label " + v);
                }
        NpyArray argmax = Npy.read(reference.resolve("pipeline_cityscapes/argmax_2048x1024.npy"));
        for (byte v : argmax.bytes()) assertTrue((v & 0xff) < 19);
        NpyArray probs = Npy.read(reference.resolve("pipeline_cityscapes/probs_256x128.npy"));
        float[] p = probs.floats();
        int hw = 128 * 256;
        for (int i = 0; i < hw; i += 97) {
            double s = 0;
            for (int c = 0; c < 19; c++) s += p[c * hw + i];
            assertEquals(1.0, s, 1e-5, "probabilities sum to one at pixel " + i);
        }
    }
}
