package org.magnet4j.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.magnet.data.Datasets;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.data.Visualize;
import org.magnet4j.magnet.pipeline.ImagePatchSource;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.ProgressiveInference;
import org.magnet4j.magnet.pipeline.Scale;
import org.magnet4j.magnet.pipeline.StageListener;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.magnet.run.StagePredictions;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** demo.py: runs MagNet on one image and saves every stage's prediction over the image. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Segment one image with MagNet and save each stage's prediction as <save_dir>/<image>/<W>x<H>.jpg.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--image", required = true, description = "The image (PNG or JPEG).")
    Path image;

    @Option(names = "--save_dir", defaultValue = "test_results", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path saveDir;

    @Option(names = "--save_labels", description = "Also save each stage's class indices as a lossless 8-bit PNG.")
    boolean saveLabels;

    @Mixin MagNetOptions opts = new MagNetOptions();

    @Override public Integer call() {
        PrintStream out = System.out;
        MagNetSettings s = opts.settings();
        SegmentationDataset dataset = Datasets.byName(opts.dataset);
        RgbImage img = ImageIo.readRgb(image);
        List<Scale> scales = s.scales();
        opts.checkClasses(dataset);
        opts.checkRefinementCount(scales.size() - 1, s.nPatches() != 0);
        org.magnet4j.tensor.Device dev = opts.device();
        MagNetModels models = MagNetModels.load(opts.model, opts.numClasses, opts.pretrained, opts.pretrainedRefinement,
                scales.size() - 1, opts.foldBn, out);
        Scale last = scales.get(scales.size() - 1);
        String name = image.getFileName().toString();
        Path dir = saveDir.resolve(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name);
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create " + dir + ": " + e.getMessage());
        }
        out.printf("%s: %dx%d, %d stages, model %s, %d threads%n", image, img.width(), img.height(), scales.size(), opts.model,
                org.magnet4j.kernels.cpu.Parallel.threads());
        long t0 = System.nanoTime();
        StageListener listener = new StageListener() {
            @Override public void stageDone(int stage, Scale scale, Tensor prediction, int patchesRun, long nanos) {
                GrayImage pred = StagePredictions.argmaxAt(prediction, last.width(), last.height());
                ImageIo.writeJpeg(Visualize.demoOverlay(img, pred, dataset.palette()), dir.resolve(scale.width() + "x" + scale.height() + ".jpg"), 95);
                if (saveLabels) ImageIo.writePng(pred, dir.resolve(scale.width() + "x" + scale.height() + "_labels.png"));
                out.printf("stage %d  %-10s %3d patch%s  %7.2f s%n", stage, scale, patchesRun, patchesRun == 1 ? "  " : "es", nanos / 1e9);
            }

            @Override public void patchesDone(int stage, int done, int total) {
                if (total < 8) return;
                // one line redrawn in place on a terminal; a log gets a line per quarter instead
                if (System.console() != null) {
                    out.printf("\r  stage %d: %d/%d patches", stage, done, total);
                    if (done == total) out.print("\r" + " ".repeat(40) + "\r");
                } else if (done % Math.max(1, total / 4) == 0 && done < total) {
                    out.printf("  stage %d: %d/%d patches%n", stage, done, total);
                }
            }
        };
        new ProgressiveInference(s, models.backboneFunction(dev), models.refinerFunctions(dev), listener).run(new ImagePatchSource(img, s));
        out.printf("done in %.1f s; pictures in %s%n", (System.nanoTime() - t0) / 1e9, dir);
        return 0;
    }
}
