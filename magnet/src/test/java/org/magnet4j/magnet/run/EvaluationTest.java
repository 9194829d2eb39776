package org.magnet4j.magnet.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.magnet.SyntheticData;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.Datasets;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.data.Visualize;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * test.py's loop on the synthetic dataset, where the coarse prediction is exactly the stripe and the refined one
 * exactly the red mask (see {@link SyntheticData}): the mean IoU must equal the value counted from those masks.
 */
class EvaluationTest {
    @TempDir Path dir;

    /** The refinement that hands the fine prediction through: softmax(log p) = p. */
    static final BiFunction<Tensor, Tensor, Tensor> FINE = (fine, coarse) -> fine.log();

    /** Expected confusion-based IoU of a two-class prediction, counted pixel by pixel. */
    static double[] expectedIoU(int images, int numClasses, int black, int red, boolean refined, boolean ignoreTopRows) {
        long[][] cm = new long[numClasses][numClasses];
        for (int i = 0; i < images; i++)
            for (int y = 0; y < SyntheticData.H; y++)
                for (int x = 0; x < SyntheticData.W; x++) {
                    int pred = (refined ? SyntheticData.red(i, x, y) : SyntheticData.stripe(i, x)) ? red : black;
                    int label;
                    if (SyntheticData.ignoredRow(y)) {
                        if (ignoreTopRows) continue;
                        label = 0;
                    } else label = SyntheticData.labelRed(i, x, y) ? red : black;
                    cm[label][pred]++;
                }
        double[] iou = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long row = 0, col = 0;
            for (int k = 0; k < numClasses; k++) { row += cm[c][k]; col += cm[k][c]; }
            iou[c] = cm[c][c] / (double) Math.max(1, row + col - cm[c][c]);
        }
        return iou;
    }

    @Test void cityscapesLayoutGivesTheKnownMeanIoU() throws Exception {
        Path list = SyntheticData.cityscapes(dir, 2);
        SegmentationDataset ds = Datasets.cityscapes();
        Module backbone = SyntheticData.backbone(19, 0, 1);
        Evaluation ev = new Evaluation(ds, SyntheticData.settings(), backbone::forward, List.of(FINE));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path save = dir.resolve("results");
        Evaluation.Result r = ev.run(Datalist.read(list, dir), save, new PrintStream(log, true, StandardCharsets.UTF_8));

        double[] coarse = expectedIoU(2, 19, 0, 1, false, true), refined = expectedIoU(2, 19, 0, 1, true, true);
        assertArrayEquals(coarse, r.perClassCoarse(), 1e-12);
        assertArrayEquals(refined, r.perClassRefined(), 1e-12);
        assertEquals((coarse[0] + coarse[1]) / 19, r.meanIoUCoarse(), 1e-12, "Cityscapes averages all 19 classes");
        assertEquals((refined[0] + refined[1]) / 19, r.meanIoURefined(), 1e-12);
        assertTrue(r.meanIoURefined() > r.meanIoUCoarse(), "the dots only the fine scale sees improve the refined score");
        // by hand: 60 scored rows; image 0: stripe 32 columns, dots 2x4 pixels, mislabelled band 8 columns; image 1: stripe 24
        // columns holding one dot, the other dot outside, the same band
        assertEquals((3372.0 / 4332 + 11028.0 / 11988) / 19, r.meanIoURefined(), 1e-12);
        assertEquals((3360.0 / 4332 + 11028.0 / 12000) / 19, r.meanIoUCoarse(), 1e-12);
        assertEquals(2, r.images().size());

        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("test 2/2") && progress.contains("ETA") && progress.contains("fwIoU"), progress);

        // --save_pred pictures: [image | ground truth | coarse | refined] at height 512
        for (int i = 0; i < 2; i++) {
            RgbImage panel = ImageIo.readRgb(save.resolve(String.format("synth_%06d_000019_leftImg8bit.png", i)));
            int pw = Visualize.panelWidth(SyntheticData.W, SyntheticData.H);
            assertEquals(4 * pw + 3 * Visualize.SEPARATOR, panel.width());
            assertEquals(Visualize.PANEL_HEIGHT, panel.height());
        }
        try (var ls = Files.list(save)) { assertEquals(2, ls.count(), "only the pictures, no temporary files"); }

        Path json = save.resolve("results.json");
        Evaluation.writeJson(r, SyntheticData.settings(), Map.of("model", "synthetic"), json);
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(100 * r.meanIoURefined(), o.get("mIoU_refined").getAsDouble(), 1e-9);
        assertEquals(100 * r.meanIoUCoarse(), o.get("mIoU_coarse").getAsDouble(), 1e-9);
        assertEquals(19, o.getAsJsonArray("per_class").size());
        assertEquals(2, o.getAsJsonArray("images").size());
        assertEquals("synthetic", o.getAsJsonObject("settings").get("model").getAsString());
        assertTrue(o.getAsJsonObject("timings").get("total_seconds").getAsDouble() > 0);
    }

    @Test void deepglobeLayoutAveragesClassesOneToSix() throws Exception {
        Path list = SyntheticData.deepglobe(dir, 2);
        SegmentationDataset ds = Datasets.deepglobe();
        Module backbone = SyntheticData.backbone(7, 1, 2);
        Evaluation.Result r = new Evaluation(ds, SyntheticData.settings(), backbone::forward, List.of(FINE))
                .run(Datalist.read(list, dir), null, null);
        // no ignore label: the "unknown" top rows count (class 0 label, predicted urban or agriculture)
        double[] coarse = expectedIoU(2, 7, 1, 2, false, false), refined = expectedIoU(2, 7, 1, 2, true, false);
        assertArrayEquals(coarse, r.perClassCoarse(), 1e-12);
        assertArrayEquals(refined, r.perClassRefined(), 1e-12);
        assertEquals((refined[1] + refined[2]) / 6, r.meanIoURefined(), 1e-12, "DeepGlobe averages classes 1..6");
        assertEquals((coarse[1] + coarse[2]) / 6, r.meanIoUCoarse(), 1e-12);
    }

    @Test void anUnreadableImageIsNamed() throws Exception {
        Path list = SyntheticData.cityscapes(dir, 1);
        Path img = dir.resolve("leftImg8bit/val/synth/synth_000000_000019_leftImg8bit.png");
        Files.writeString(img, "not an image");
        var ex = org.junit.jupiter.api.Assertions.assertThrows(org.magnet4j.magnet.data.ImageFileException.class, () ->
                new Evaluation(Datasets.cityscapes(), SyntheticData.settings(), SyntheticData.backbone(19, 0, 1)::forward, List.of(FINE))
                        .run(Datalist.read(list, dir), null, null));
        assertTrue(ex.getMessage().contains(img.toString()) && ex.getMessage().contains("not a PNG or JPEG"), ex.getMessage());
    }

    @Test void customDatasetDefinitionNeedsNoCode() throws Exception {
        Path list = SyntheticData.cityscapes(dir, 1);
        Path def = dir.resolve("two.json");
        Files.writeString(def, """
                {"name": "two", "classes": ["ground", "paint"], "colors": [[0,0,0],[255,0,0]],
                 "encoding": "ids", "ids": {"7": 0, "8": 1}, "ignore_index": 255}
                """);
        SegmentationDataset ds = Datasets.byName(def.toString());
        Evaluation.Result r = new Evaluation(ds, SyntheticData.settings(), SyntheticData.backbone(2, 0, 1)::forward, List.of(FINE))
                .run(Datalist.read(list, dir), null, null);
        double[] refined = expectedIoU(1, 2, 0, 1, true, true);
        assertEquals((refined[0] + refined[1]) / 2, r.meanIoURefined(), 1e-12);
    }
}
