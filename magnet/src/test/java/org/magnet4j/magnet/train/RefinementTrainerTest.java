package org.magnet4j.magnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.magnet.SyntheticData;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.Datasets;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.models.RefinementMagNet;
import org.magnet4j.magnet.pipeline.Scale;
import org.magnet4j.magnet.run.Weights;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.tensor.Tensor;

/** train.py on the synthetic Cityscapes-layout data with the tiny known backbone. */
class RefinementTrainerTest {
    @TempDir Path dir;

    private TrainConfig config(Path list, Path logDir, int epochs) {
        return TrainConfig.of("cityscapes", dir.toString(), list.toString(), List.of("32-16", "64-32", "128-64"), 32, 16, 32, 16,
                "synthetic", 19, "none", null, 2, epochs, 0.01, 42, logDir.toString(), "synth");
    }

    private RefinementTrainer trainer(TrainConfig cfg, Path resume) {
        return new RefinementTrainer(cfg, Datasets.cityscapes(), Datalist.read(Path.of(cfg.datalist()), dir),
                SyntheticData.backbone(19, 0, 1), resume);
    }

    @Test void twoEpochsLowerTheLossAndWriteLoadableCheckpoints() throws Exception {
        Path list = SyntheticData.cityscapes(dir, 8);
        RefinementTrainer t = trainer(config(list, dir.resolve("runs"), 2), null);
        List<RefinementTrainer.EpochSummary> h = t.run(null, null);
        assertEquals(2, h.size());
        assertTrue(h.get(1).loss() < h.get(0).loss(), "loss per epoch: " + h);
        Path run = t.runDir();
        assertEquals(dir.resolve("runs/synth"), run.getParent());
        for (String f : List.of("epoch1.pth", "epoch2.pth", "last.pth", "config.json", "metrics.jsonl", "metrics.png"))
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        try (var ls = Files.list(run)) { assertEquals(6, ls.count(), "no temporary files are left"); }

        // the epoch checkpoint loads strictly into a fresh refinement module, equal to the trained one
        RefinementMagNet fresh = new RefinementMagNet(19);
        LoadReport rep = Weights.load(fresh, run.resolve("epoch2.pth"), true);
        assertTrue(rep.isClean(), rep.toString());
        assertStatesEqual(t.refiner().stateDict(), fresh.stateDict());
        // last.pth also loads as weights (model.* stripped; the optimizer/scheduler entries are reported, not loaded)
        RefinementMagNet fromLast = new RefinementMagNet(19);
        LoadReport lr = Weights.load(fromLast, run.resolve("last.pth"), false);
        assertTrue(lr.missingKeys().isEmpty(), lr.toString());
        assertStatesEqual(t.refiner().stateDict(), fromLast.stateDict());

        // metrics: 4 steps per epoch plus one summary per epoch
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(10, lines.size());
        JsonObject step = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        for (String k : List.of("epoch", "step", "loss", "lr", "fwIoU_coarse", "fwIoU_fine", "fwIoU_aggregate")) assertTrue(step.has(k), k);
        assertEquals(0.01, step.get("lr").getAsDouble(), 0);
        RgbImage plot = ImageIo.readRgb(run.resolve("metrics.png"));
        assertEquals(TrainingPlot.W, plot.width());
        JsonObject cfg = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        assertEquals(0.9, cfg.get("momentum").getAsDouble(), 0);
        assertEquals(2, cfg.get("batch_size").getAsInt());

        // --pretrained_refinement loads an epoch checkpoint back
        TrainConfig more = new TrainConfig(config(list, dir.resolve("runs2"), 1).dataset(), dir.toString(), list.toString(),
                List.of("32-16", "64-32", "128-64"), 32, 16, 32, 16, "synthetic", 19, "none", run.resolve("epoch2.pth").toString(), 2, 1,
                0.01, 0.9, 5e-4, 0.1, new int[] {10}, 42, dir.resolve("runs2").toString(), "synth", 0.7, 100000);
        assertStatesEqual(t.refiner().stateDict(), trainer(more, null).refiner().stateDict());
    }

    @Test void aResumedRunEndsIdenticalToAnUninterruptedOne() throws Exception {
        Path list = SyntheticData.cityscapes(dir, 4);
        RefinementTrainer whole = trainer(config(list, dir.resolve("a"), 2), null);
        whole.run(null, null);

        class Killed extends RuntimeException {}
        RefinementTrainer first = trainer(config(list, dir.resolve("b"), 2), null);
        assertThrows(Killed.class, () -> first.run(null, (epoch, s) -> { if (epoch == 1) throw new Killed(); }));
        assertEquals(1, first.completedEpochs());
        Path run = RefinementTrainer.latestRun(dir.resolve("b"), "synth");
        assertEquals(first.runDir(), run);
        RefinementTrainer second = trainer(config(list, dir.resolve("b"), 2), run);
        assertEquals(1, second.completedEpochs());
        second.run(null, null);

        assertStatesEqual(whole.refiner().stateDict(), second.refiner().stateDict());
        assertEquals(Files.readAllLines(whole.runDir().resolve("metrics.jsonl")), Files.readAllLines(run.resolve("metrics.jsonl")),
                "same losses and IoUs at every step");
        assertArrayEquals(Files.readAllBytes(whole.runDir().resolve("last.pth")), Files.readAllBytes(run.resolve("last.pth")),
                "same optimizer and scheduler state, byte for byte");
    }

    @Test void deepglobeLayoutWithoutIgnoreLabelTrains() throws Exception {
        Path list = SyntheticData.deepglobe(dir, 2);
        TrainConfig cfg = TrainConfig.of("deepglobe", dir.toString(), list.toString(), List.of("32-16", "64-32", "128-64"), 32, 16, 32, 16,
                "synthetic", 7, "none", null, 2, 1, 0.01, 1, dir.resolve("runs").toString(), "dg");
        RefinementTrainer t = new RefinementTrainer(cfg, Datasets.deepglobe(), Datalist.read(list, dir), SyntheticData.backbone(7, 1, 2), null);
        RefinementTrainer.EpochSummary s = t.run(null, null).get(0);
        assertTrue(Double.isFinite(s.loss()) && s.loss() > 0, s.toString());
        assertTrue(s.fwIoUFine() > 0.5, "the known backbone's fine prediction is mostly right: " + s);
    }

    @Test void samplesFollowTrainPy() {
        RgbImage img = SyntheticData.image(0);
        GrayImage lab = GrayImage.zeros(SyntheticData.W, SyntheticData.H);
        List<Scale> scales = Scale.parseList("32-16,64-32,128-64");
        SplittableRandom rng = new SplittableRandom(3);
        boolean[] seen = new boolean[3];
        for (int k = 0; k < 200; k++) {
            TrainingSample s = TrainingSample.draw(img, lab, scales, 32, 16, 32, 16, rng);
            assertTrue(s.scaleIndex() >= 1 && s.scaleIndex() <= 2);
            seen[s.scaleIndex()] = true;
            Scale sc = scales.get(s.scaleIndex());
            float[] b = s.box();
            // a crop of crop size at an integer position below scale - crop (exclusive), mapped to the 32x16 coarse image
            double x = b[0] * sc.width() / 32.0, y = b[1] * sc.height() / 16.0;
            assertEquals(Math.rint(x), x, 1e-4);
            assertTrue(x >= 0 && x < sc.width() - 32 && y >= 0 && y < sc.height() - 16, x + "," + y);
            assertEquals(32.0 * 32 / sc.width(), b[2] - b[0], 1e-4);
            assertEquals(32, s.fine().width());
            assertEquals(16, s.label().height());
        }
        assertTrue(seen[1] && seen[2]);
    }

    static void assertStatesEqual(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            Tensor x = a.get(k), y = b.get(k);
            assertArrayEquals(x.shape(), y.shape(), k);
            assertArrayEquals(x.toDoubleArray(), y.toDoubleArray(), 0.0, k);
        }
    }
}
