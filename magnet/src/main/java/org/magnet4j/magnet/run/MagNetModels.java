package org.magnet4j.magnet.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.magnet4j.tensor.Device;
import org.magnet4j.magnet.models.BnFolding;
import org.magnet4j.magnet.models.ModelRegistry;
import org.magnet4j.magnet.models.RefinementMagNet;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/** The backbone and refinement modules of one MagNet configuration, loaded and put in eval mode. */
public record MagNetModels(Module backbone, List<RefinementMagNet> refiners) {

    /**
     * @param refinementFiles one file shared by every refined stage, or one per refined stage
     * @param foldBatchNorm   fold eval-mode batch norms into the preceding convolutions (faster, same numbers)
     */
    public static MagNetModels load(String model, int numClasses, Path backboneFile, List<Path> refinementFiles,
                                    int refinedStages, boolean foldBatchNorm, PrintStream log) {
        if (!refinementFiles.isEmpty() && refinementFiles.size() != 1 && refinementFiles.size() != refinedStages)
            throw new IllegalArgumentException(refinementFiles.size() + " --pretrained_refinement files given: expected 1 (shared by every stage) or "
                    + refinedStages + " (one per refined scale)");
        Module backbone = ModelRegistry.create(model, numClasses);
        report(log, "backbone " + model, backboneFile, Weights.load(backbone, backboneFile, false));
        backbone.eval();
        List<RefinementMagNet> refiners = new ArrayList<>();
        for (Path f : refinementFiles) {
            RefinementMagNet r = new RefinementMagNet(numClasses);
            report(log, "refinement", f, Weights.load(r, f, false));
            r.eval();
            refiners.add(r);
        }
        if (foldBatchNorm) {
            BnFolding.foldForInference(backbone);
            for (RefinementMagNet r : refiners) BnFolding.foldForInference(r);
        }
        return new MagNetModels(backbone, refiners);
    }

    private static void report(PrintStream log, String what, Path file, LoadReport r) {
        if (log == null) return;
        log.println("loaded " + what + " from " + file.getFileName() + (r.isClean() ? "" : " (" + r + ")"));
    }

    public List<BiFunction<Tensor, Tensor, Tensor>> refinerFunctions() { return refinerFunctions(Device.CPU); }

    /** The backbone as the pipeline calls it: images in, logits out, on the CPU. */
    public Function<Tensor, Tensor> backboneFunction() { return backboneFunction(Device.CPU); }

    /**
     * Runs the networks on a device (their weights move there once): inputs go over, outputs stay there, so the
     * pipeline's own work on them (softmax, crops, canvas, error map, pixel replacement) runs there too
     * ({@link org.magnet4j.magnet.pipeline.ProgressiveInference} works where the backbone's output lives).
     */
    public Function<Tensor, Tensor> backboneFunction(Device device) {
        if (device.isCpu()) return backbone::forward;
        backbone.to(device);
        return x -> backbone.forward(x.to(device));
    }

    public List<BiFunction<Tensor, Tensor, Tensor>> refinerFunctions(Device device) {
        List<BiFunction<Tensor, Tensor, Tensor>> out = new ArrayList<>();
        for (RefinementMagNet r : refiners) {
            if (device.isCpu()) {
                out.add(r::forward);
                continue;
            }
            r.to(device);
            out.add((fine, coarse) -> r.forward(fine.to(device), coarse.to(device)));
        }
        return out;
    }
}
