package org.magnet4j.magnet.run;

import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.ImageNormalizer;
import org.magnet4j.magnet.data.Resize;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.data.Visualize;
import org.magnet4j.magnet.metrics.ConfusionMatrix;
import org.magnet4j.magnet.metrics.IoU;
import org.magnet4j.magnet.pipeline.ImagePatchSource;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.ProgressiveInference;
import org.magnet4j.magnet.pipeline.Scale;
import org.magnet4j.magnet.pipeline.StageListener;
import org.magnet4j.tensor.Tensor;

/**
 * test.py: runs MagNet on every image of a datalist and scores the coarse (stage 0) and refined (last stage)
 * predictions against the label resized (nearest) to the last scale. Confusion matrices are summed over the
 * dataset; the mean IoU averages the dataset's evaluation classes (Cityscapes: all 19; DeepGlobe: 1..6).
 * Each image prints a progress line with its frequency-weighted IoU and the ETA. With {@code savePred} the
 * {@code [image | ground truth | coarse | refined]} picture of every image is written to the save folder.
 */
public final class Evaluation {
    private final SegmentationDataset dataset;
    private final MagNetSettings settings;
    private final Function<Tensor, Tensor> backbone;
    private final List<BiFunction<Tensor, Tensor, Tensor>> refiners;

    /** The score of one image. */
    public record ImageResult(String image, double fwIoUCoarse, double fwIoURefined, double seconds) {}

    /** The scores of a dataset. */
    public record Result(SegmentationDataset dataset, ConfusionMatrix coarse, ConfusionMatrix refined,
                         List<ImageResult> images, double seconds, double[] stageSeconds) {
        public double meanIoUCoarse() { return IoU.mean(coarse, dataset.evalClasses()); }

        public double meanIoURefined() { return IoU.mean(refined, dataset.evalClasses()); }

        public double[] perClassCoarse() { return IoU.perClass(coarse); }

        public double[] perClassRefined() { return IoU.perClass(refined); }

        /** The summary test.py prints: mean IoU in percent and a per-class table. */
        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "coarse  mIoU: %.2f%n", 100 * meanIoUCoarse());
            out.printf(Locale.ROOT, "refined mIoU: %.2f%n", 100 * meanIoURefined());
            double[] c = perClassCoarse(), r = perClassRefined();
            int width = Math.max(5, dataset.classNames().stream().mapToInt(String::length).max().orElse(5));
            out.printf(Locale.ROOT, "%-" + width + "s  %7s  %7s%n", "class", "coarse", "refined");
            java.util.Set<Integer> eval = new java.util.HashSet<>();
            for (int k : dataset.evalClasses()) eval.add(k);
            for (int k = 0; k < c.length; k++)
                out.printf(Locale.ROOT, "%-" + width + "s  %7.2f  %7.2f%s%n", dataset.classNames().get(k), 100 * c[k], 100 * r[k],
                        eval.contains(k) ? "" : "  (not in the mean)");
            out.printf(Locale.ROOT, "%d images in %.1f s (%.2f s per image)%n", images.size(), seconds, images.isEmpty() ? 0 : seconds / images.size());
        }

        /** Settings, per-class IoU, mean IoU, per-image frequency-weighted IoU and timings, as JSON. */
        public String toJson(MagNetSettings s, Map<String, Object> extraSettings) {
            Map<String, Object> root = new LinkedHashMap<>();
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("dataset", dataset.name());
            List<String> scales = new ArrayList<>();
            for (Scale sc : s.scales()) scales.add(sc.width() + "-" + sc.height());
            set.put("scales", scales);
            set.put("crop_size", List.of(s.cropWidth(), s.cropHeight()));
            set.put("input_size", List.of(s.inputWidth(), s.inputHeight()));
            set.put("n_points", s.nPoints());
            set.put("n_patches", s.nPatches());
            set.put("smooth_kernel", s.smoothKernel());
            set.put("sub_batch_size", s.subBatchSize());
            set.put("most_uncertain_first", s.mostUncertainFirst());
            set.put("zero_certainty_outside_refined", s.zeroCertaintyOutsideRefined());
            if (extraSettings != null) set.putAll(extraSettings);
            root.put("settings", set);
            root.put("mIoU_coarse", 100 * meanIoUCoarse());
            root.put("mIoU_refined", 100 * meanIoURefined());
            root.put("eval_classes", dataset.evalClasses());
            List<Map<String, Object>> classes = new ArrayList<>();
            double[] c = perClassCoarse(), r = perClassRefined();
            for (int k = 0; k < c.length; k++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("class", k);
                m.put("name", dataset.classNames().get(k));
                m.put("iou_coarse", 100 * c[k]);
                m.put("iou_refined", 100 * r[k]);
                classes.add(m);
            }
            root.put("per_class", classes);
            List<Map<String, Object>> imgs = new ArrayList<>();
            for (ImageResult ir : images) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", ir.image());
                m.put("fwIoU_coarse", 100 * ir.fwIoUCoarse());
                m.put("fwIoU_refined", 100 * ir.fwIoURefined());
                m.put("seconds", ir.seconds());
                imgs.add(m);
            }
            root.put("images", imgs);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("total_seconds", seconds);
            t.put("seconds_per_image", images.isEmpty() ? 0 : seconds / images.size());
            t.put("stage_seconds", stageSeconds);
            root.put("timings", t);
            return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n";
        }
    }

    public Evaluation(SegmentationDataset dataset, MagNetSettings settings, Function<Tensor, Tensor> backbone,
                      List<BiFunction<Tensor, Tensor, Tensor>> refiners) {
        this.dataset = dataset;
        this.settings = settings;
        this.backbone = backbone;
        this.refiners = List.copyOf(refiners);
    }

    /**
     * Scores every entry.
     * @param saveDir where {@code --save_pred} pictures go ({@code <save_dir>/<image name>.png}); null = none
     * @param out     progress lines; null = silent
     */
    public Result run(List<Datalist.Entry> entries, Path saveDir, PrintStream out) {
        List<Scale> scales = settings.scales();
        Scale last = scales.get(scales.size() - 1);
        int c = dataset.numClasses();
        ConfusionMatrix coarseAll = new ConfusionMatrix(c), refinedAll = new ConfusionMatrix(c);
        double[] stageSeconds = new double[scales.size()];
        StageListener timing = (stage, scale, prediction, patchesRun, nanos) -> stageSeconds[stage] += nanos / 1e9;
        ProgressiveInference inference = new ProgressiveInference(settings, backbone, refiners, timing);
        Progress progress = out == null ? null : Progress.create(out, "test", entries.size());
        List<ImageResult> results = new ArrayList<>();
        long t0 = System.nanoTime();
        int[] eval = dataset.evalClasses();
        for (int i = 0; i < entries.size(); i++) {
            Datalist.Entry e = entries.get(i);
            long ti = System.nanoTime();
            RgbImage image = ImageIo.readRgb(e.image());
            GrayImage label = Resize.nearest(dataset.readLabel(e.label()), last.width(), last.height());
            ImagePatchSource src = new ImagePatchSource(image, settings);
            List<Tensor> stages = inference.run(src);
            GrayImage coarse = StagePredictions.argmaxAt(stages.get(0), last.width(), last.height());
            GrayImage refined = StagePredictions.argmaxAt(stages.get(stages.size() - 1), last.width(), last.height());
            ConfusionMatrix mc = new ConfusionMatrix(c).add(label.data(), coarse.data(), dataset.ignoreIndex());
            ConfusionMatrix mr = new ConfusionMatrix(c).add(label.data(), refined.data(), dataset.ignoreIndex());
            coarseAll.add(mc);
            refinedAll.add(mr);
            if (saveDir != null) {
                RgbImage input = ImageNormalizer.imagenet().denormalize(src.patch(0, 0));
                String name = e.image().getFileName().toString();
                String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                ImageIo.writePng(Visualize.savePredPanel(dataset, input, label, coarse, refined), saveDir.resolve(stem + ".png"));
            }
            ImageResult r = new ImageResult(e.image().getFileName().toString(), IoU.frequencyWeighted(mc, eval),
                    IoU.frequencyWeighted(mr, eval), (System.nanoTime() - ti) / 1e9);
            results.add(r);
            if (progress != null)
                progress.update(i + 1, String.format(Locale.ROOT, "%s fwIoU coarse %.2f refined %.2f", r.image(), 100 * r.fwIoUCoarse(), 100 * r.fwIoURefined()));
        }
        return new Result(dataset, coarseAll, refinedAll, results, (System.nanoTime() - t0) / 1e9, stageSeconds);
    }

    /** Writes {@code results.json} atomically. */
    public static void writeJson(Result r, MagNetSettings s, Map<String, Object> extra, Path file) {
        AtomicText.write(file, r.toJson(s, extra));
    }
}
