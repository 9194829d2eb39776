package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.kernels.cpu.Parallel;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.pipeline.ImagePatchSource;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.ProgressiveInference;
import org.magnet4j.magnet.pipeline.StageListener;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `magnet bench pipeline`: the Cityscapes MagNet pipeline on the fixture image here and in PyTorch (magnet_pipeline.py). */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Wall time of the Cityscapes MagNet pipeline on the fixture image (settings of reference/pipeline_cityscapes/run.json).")
final class BenchPipeline implements Callable<Integer> {
    @Option(names = "--fixtures", defaultValue = "../shared/fixtures", description = "The shared fixtures folder (default ${DEFAULT-VALUE}).")
    Path fixtures;

    @Option(names = "--threads", defaultValue = "0", description = "Threads for both engines (0 = all cores).")
    int threads;

    @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

    @Option(names = "--fold_bn", description = "Fold batch norms into convolutions (a little faster; see demo --help).") boolean foldBn;

    @Option(names = "--device", defaultValue = "cpu", description = "Where the networks run: cpu, cuda[:N], opencl[:N] or auto "
            + "(default ${DEFAULT-VALUE}); PyTorch runs on the same CUDA device, else on its CPU.") String device;

    @Option(names = "--image", description = "The image (default <fixtures>/images/frankfurt_000001_003056_leftImg8bit.png): a PNG or JPEG, "
            + "or an H x W x 3 uint8 RGB .npy (read without javax.imageio).") Path image;

    @Option(names = "--compare", description = "A folder of reference arg-max maps (argmax_<W>x<H>.npy, as "
            + "reference/pipeline_cityscapes): print each stage's agreement with them at the last scale; exit status 1 "
            + "when one is below 99.9%.") Path compare;

    @Override public Integer call() throws java.io.IOException {
        BenchCommand.setThreads(threads);
        Path ck = fixtures.resolve("checkpoints");
        MagNetSettings s = MagNetSettings.cityscapes();
        Device dev = org.magnet4j.kernels.Devices.resolve(device);
        Path imagePath = image != null ? image : fixtures.resolve("images/frankfurt_000001_003056_leftImg8bit.png");
        RgbImage img = imagePath.toString().endsWith(".npy") ? RgbImage.readNpy(imagePath) : ImageIo.readRgb(imagePath);
        MagNetModels models = MagNetModels.load("hrnet18+ocr", 19, ck.resolve("hrnet18_ocr_c19.pth"),
                List.of(ck.resolve("refinement_c19_512.pth"), ck.resolve("refinement_c19_1024.pth"), ck.resolve("refinement_c19_2048.pth")),
                3, foldBn, null);
        var backbone = models.backboneFunction(dev);
        var refiners = models.refinerFunctions(dev);
        long t0 = System.nanoTime();
        StageListener log = (stage, scale, p, n, nanos) -> System.out.printf("  stage %d %s: %d patches, %.1f s%n", stage, scale, n, nanos / 1e9);
        List<Tensor> stages = new ProgressiveInference(s, backbone, refiners, log).run(new ImagePatchSource(img, s));
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean agrees = compare == null || printAgreement(s, stages, compare);
        List<String> args = new ArrayList<>(List.of("--fixtures", fixtures.toAbsolutePath().toString(), "--threads", "" + Parallel.threads(),
                "--device", BenchCommand.torchDevice(dev)));
        if (image != null) args.addAll(List.of("--image", image.toAbsolutePath().toString()));
        JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/pipeline/magnet_pipeline.py", args);
        BenchCommand.printRatio("Cityscapes pipeline (" + (dev.isCpu() ? Parallel.threads() + " threads" : dev.toString()) + (foldBn ? ", folded BN" : "") + ")",
                seconds, torch, "seconds");
        if (!agrees) System.out.println("FAIL: a stage agrees with the reference maps on less than 99.9% of the pixels");
        return agrees ? 0 : 1;
    }

    /**
     * Prints each stage's arg-max agreement at the last scale with the reference maps; true when every stage reaches
     * CityscapesPipelineTest's 99.9%.
     */
    private static boolean printAgreement(MagNetSettings s, List<Tensor> stages, Path refs) throws java.io.IOException {
        var last = s.scales().get(s.scales().size() - 1);
        boolean all = true;
        for (int i = 0; i < stages.size(); i++) {
            var sc = s.scales().get(i);
            Path f = refs.resolve("argmax_" + sc.width() + "x" + sc.height() + ".npy");
            double agreement = org.magnet4j.magnet.run.StagePredictions.agreement(stages.get(i), last.width(), last.height(), f);
            all &= agreement >= 0.999;
            System.out.printf("  stage %d %s: arg-max agreement with %s %.5f%% %s%n", i, sc, f.getFileName(), 100 * agreement,
                    agreement >= 0.999 ? "PASS" : "FAIL (below 99.9%)");
        }
        return all;
    }
}
