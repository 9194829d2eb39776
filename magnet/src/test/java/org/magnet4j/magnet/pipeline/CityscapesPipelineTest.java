package org.magnet4j.magnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.magnet.run.StagePredictions;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;
import org.magnet4j.tensor.io.NpyArray;

/**
 * The whole MagNet inference on the Cityscapes fixture image (settings of reference/pipeline_cityscapes/run.json)
 * against PyTorch: every stage's arg-max at 2048x1024 agrees on >= 99.9% of the pixels; stage 0's probabilities
 * are within max-abs 1e-3. Stage 1's are within 3e-3, not 1e-3: the same pipeline computed in float64 (the
 * exact result) is itself 2.6e-3 away from the float32 PyTorch reference there (measured), so 1e-3 would demand
 * PyTorch's own float32 rounding; pixels beyond 1e-3 must stay under 0.1%, and none may differ by a picked-
 * pixel jump (> 0.1), which would mean a different selection of error-prone pixels.
 */
@Tag("slow")
class CityscapesPipelineTest {
    /** The shared fixtures with the pipeline reference, or the test is skipped (DeviceResidentPipelineTest uses it too). */
    static Path fixtures() {
        String prop = System.getProperty("shared.dir");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) candidates.add(Path.of(prop, "fixtures"));
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) candidates.add(p.resolve("shared/fixtures"));
        for (Path c : candidates) if (Files.isRegularFile(c.resolve("reference/pipeline_cityscapes/run.json"))) return c;
        Assumptions.abort("shared fixtures (reference/pipeline_cityscapes) not found beside the repository");
        return null;
    }

    @Test
    void everyStageMatchesPyTorch() throws Exception {
        Path fx = fixtures();
        Path ref = fx.resolve("reference/pipeline_cityscapes");
        MagNetSettings s = MagNetSettings.cityscapes();
        List<Path> refiners = List.of(fx.resolve("checkpoints/refinement_c19_512.pth"), fx.resolve("checkpoints/refinement_c19_1024.pth"),
                fx.resolve("checkpoints/refinement_c19_2048.pth"));
        MagNetModels models = MagNetModels.load("hrnet18+ocr", 19, fx.resolve("checkpoints/hrnet18_ocr_c19.pth"), refiners, 3, false, null);
        RgbImage img = ImageIo.readRgb(fx.resolve("images/frankfurt_000001_003056_leftImg8bit.png"));
        List<Tensor> stages = new ProgressiveInference(s, models.backbone()::forward, models.refinerFunctions(), StageListener.NONE)
                .run(new ImagePatchSource(img, s));
        assertEquals(4, stages.size());
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < stages.size(); i++) {
            Scale sc = s.scales().get(i);
            double agreement = StagePredictions.agreement(stages.get(i), 2048, 1024, ref.resolve("argmax_" + sc.width() + "x" + sc.height() + ".npy"));
            report.append(String.format("stage %d %s: arg-max agreement %.5f%%%n", i, sc, 100 * agreement));
            assertTrue(agreement >= 0.999, report.toString());
        }
        double[] bound = {1e-3, 3e-3};
        for (int i = 0; i < 2; i++) {
            Scale sc = s.scales().get(i);
            NpyArray probs = Npy.read(ref.resolve("probs_" + sc.width() + "x" + sc.height() + ".npy"));
            float[] want = (float[]) probs.data(), got = stages.get(i).toFloatArray();
            assertEquals(want.length, got.length);
            double worst = 0;
            int above = 0, jumps = 0;
            for (int k = 0; k < want.length; k++) {
                double d = Math.abs(want[k] - got[k]);
                worst = Math.max(worst, d);
                if (d > 1e-3) above++;
                if (d > 0.1) jumps++;
            }
            report.append(String.format("stage %d probabilities: max-abs %.3g, %d of %d values beyond 1e-3, %d beyond 0.1%n", i, worst, above, want.length, jumps));
            assertTrue(worst <= bound[i] && above < want.length / 1000 && jumps == 0, report.toString());
        }
        System.out.print(report);
    }
}
