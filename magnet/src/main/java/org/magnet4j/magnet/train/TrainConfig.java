package org.magnet4j.magnet.train;

import java.util.List;

/**
 * The options of the reference's train.py (section 5 of the reference description), as saved in
 * {@code config.json} beside the checkpoints. Paths are kept as given.
 *
 * @param scales      coarse to fine, "W-H" each; the fine scale of a sample is drawn from scales[1:]
 */
public record TrainConfig(String dataset, String root, String datalist, List<String> scales, int cropWidth, int cropHeight,
                          int inputWidth, int inputHeight, String model, int numClasses, String pretrained,
                          String pretrainedRefinement, int batchSize, int epochs, double lr, double momentum, double decay,
                          double gamma, int[] milestones, long seed, String logDir, String taskName,
                          double ohemThresh, int ohemMinKept) {
    public TrainConfig {
        scales = List.copyOf(scales);
        milestones = milestones.clone();
        if (batchSize < 1) throw new IllegalArgumentException("--batch_size must be >= 1, got " + batchSize);
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (scales.size() < 2) throw new IllegalArgumentException("training needs at least two scales (a coarse one and a finer one), got " + scales);
    }

    /** The reference's defaults for the optimiser, schedule and loss. */
    public static TrainConfig of(String dataset, String root, String datalist, List<String> scales, int cropW, int cropH, int inputW,
                                 int inputH, String model, int numClasses, String pretrained, String pretrainedRefinement,
                                 int batchSize, int epochs, double lr, long seed, String logDir, String taskName) {
        return new TrainConfig(dataset, root, datalist, scales, cropW, cropH, inputW, inputH, model, numClasses, pretrained,
                pretrainedRefinement, batchSize, epochs, lr, 0.9, 5e-4, 0.1, new int[] {10, 20, 30, 40, 45}, seed, logDir, taskName,
                0.7, 100000);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(dataset, root, datalist, scales, cropWidth, cropHeight, inputWidth, inputHeight, model, numClasses, pretrained,
                pretrainedRefinement, batchSize, e, lr, momentum, decay, gamma, milestones, seed, logDir, taskName, ohemThresh, ohemMinKept);
    }

    public TrainConfig withSchedule(double momentum, double decay, double gamma, int[] milestones) {
        return new TrainConfig(dataset, root, datalist, scales, cropWidth, cropHeight, inputWidth, inputHeight, model, numClasses, pretrained,
                pretrainedRefinement, batchSize, epochs, lr, momentum, decay, gamma, milestones, seed, logDir, taskName, ohemThresh, ohemMinKept);
    }

    public TrainConfig withOhem(double thresh, int minKept) {
        return new TrainConfig(dataset, root, datalist, scales, cropWidth, cropHeight, inputWidth, inputHeight, model, numClasses, pretrained,
                pretrainedRefinement, batchSize, epochs, lr, momentum, decay, gamma, milestones, seed, logDir, taskName, thresh, minKept);
    }

    @Override public int[] milestones() { return milestones.clone(); }
}
