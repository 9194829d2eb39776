package org.magnet4j.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.Scale;
import picocli.CommandLine.Option;

/** The options demo, test and train share, with the reference's names. */
final class MagNetOptions {
    @Option(names = "--dataset", defaultValue = "cityscapes", description = "cityscapes, deepglobe, or a dataset definition JSON file (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--scales", required = true, description = "Scales coarse to fine, WIDTH-HEIGHT pairs: 256-128,512-256,1024-512,2048-1024.")
    String scales;

    @Option(names = "--crop_size", arity = "2", required = true, description = "Patch size at every scale: W H.")
    int[] cropSize;

    @Option(names = "--input_size", arity = "2", required = true, description = "Network input size: W H.")
    int[] inputSize;

    @Option(names = "--model", required = true, description = "Backbone: fpn, psp, hrnet18+ocr, hrnet48+ocr.")
    String model;

    @Option(names = "--num_classes", required = true, description = "Number of classes of the backbone.")
    int numClasses;

    @Option(names = "--pretrained", required = true, description = "Backbone weights (.pth or .safetensors).")
    Path pretrained;

    @Option(names = "--pretrained_refinement", arity = "1..*", description = "Refinement weights: one file for every stage, or one per refined stage.")
    List<Path> pretrainedRefinement = new ArrayList<>();

    @Option(names = "--num_workers", defaultValue = "1", description = "Accepted for compatibility; the engine's own thread pool is used.")
    int numWorkers;

    @Option(names = "--sub_batch_size", defaultValue = "1", description = "Patches per backbone batch (default ${DEFAULT-VALUE}).")
    int subBatchSize;

    @Option(names = "--n_patches", defaultValue = "-1", description = "Patches refined per stage; -1 = all, 0 = coarse only (default ${DEFAULT-VALUE}).")
    int nPatches;

    @Option(names = "--n_points", defaultValue = "0.75", description = "Pixels replaced per stage: > 1 a count, <= 1 a fraction (default ${DEFAULT-VALUE}).")
    double nPoints;

    @Option(names = "--smooth_kernel", defaultValue = "16", description = "Median-blur size for the error map (default ${DEFAULT-VALUE}).")
    int smoothKernel;

    @Option(names = "--most_uncertain_first", description = "Corrected behaviour: keep the most uncertain patches (the reference keeps the least).")
    boolean mostUncertainFirst;

    @Option(names = "--zero_certainty_outside_refined", description = "Corrected behaviour for n_patches > 0: zero certainty outside, not inside, the refined patches.")
    boolean zeroCertaintyOutsideRefined;

    @Option(names = "--device", defaultValue = "cpu", description = "Where the networks run: cpu, cuda[:N], opencl[:N], or auto (CUDA when usable, else CPU). Default ${DEFAULT-VALUE}.")
    String device;

    org.magnet4j.tensor.Device device() { return org.magnet4j.kernels.Devices.resolve(device); }

    @Option(names = "--fold_bn", description = "Fold batch norms into the convolutions: a little faster (unfolded, a norm already"
            + " rides in its convolution's epilogue); float32 rounding then differs from PyTorch's, which can move a few tied pixel"
            + " picks at the k-th error score (default: off, reproducing the reference).")
    boolean foldBn;

    /** The backbone's class count must be the dataset's (a mismatch otherwise surfaces as a bare size mismatch). */
    void checkClasses(org.magnet4j.magnet.data.SegmentationDataset dataset) {
        if (numClasses != dataset.numClasses())
            throw new IllegalArgumentException("--num_classes " + numClasses + " does not match dataset " + dataset.name() + ", which has "
                    + dataset.numClasses() + " classes");
    }

    /** One refinement file for every stage, or one per refined stage (in scale order). */
    void checkRefinementCount(int refinedStages, boolean needed) {
        int n = pretrainedRefinement.size();
        if (refinedStages == 0) return;
        List<Scale> sc = Scale.parseList(scales);
        String stages = sc.subList(1, sc.size()).toString();
        if (n == 0 && needed)
            throw new IllegalArgumentException("--pretrained_refinement is missing: give 1 file (shared by every refined stage) or "
                    + refinedStages + " (one per refined scale " + stages + "), or --n_patches 0 for the coarse prediction only");
        if (n != 0 && n != 1 && n != refinedStages)
            throw new IllegalArgumentException(n + " --pretrained_refinement files given for " + refinedStages + " refined scales " + stages
                    + ": give 1 file (shared by every refined stage) or " + refinedStages + " (one per refined scale, in that order)");
    }

    MagNetSettings settings() {
        if (cropSize[0] <= 0 || cropSize[1] <= 0) throw new IllegalArgumentException("--crop_size must be positive, got " + cropSize[0] + " " + cropSize[1]);
        if (inputSize[0] <= 0 || inputSize[1] <= 0) throw new IllegalArgumentException("--input_size must be positive, got " + inputSize[0] + " " + inputSize[1]);
        return new MagNetSettings(Scale.parseList(scales), cropSize[0], cropSize[1], inputSize[0], inputSize[1],
                nPoints, nPatches, smoothKernel, subBatchSize, mostUncertainFirst, zeroCertaintyOutsideRefined);
    }
}
