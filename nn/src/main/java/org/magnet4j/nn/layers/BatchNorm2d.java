package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.nn.Parameter;
import org.magnet4j.nn.functional.F;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Batch norm over [N,C,H,W]. Training normalises with batch statistics and updates the running ones
 * (new = (1-momentum)*old + momentum*batch, unbiased variance); eval uses the running statistics.
 */
public class BatchNorm2d extends Module {
    public final int channels;
    public final double eps, momentum;
    private final Parameter weight, bias, runningMean, runningVar, numBatchesTracked;

    public BatchNorm2d(int channels, double eps, double momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        weight = parameter("weight", Tensor.ones(channels));
        bias = parameter("bias", Tensor.zeros(channels));
        runningMean = buffer("running_mean", Tensor.zeros(channels));
        runningVar = buffer("running_var", Tensor.ones(channels));
        numBatchesTracked = buffer("num_batches_tracked", Tensor.zeros(DType.INT64));
    }

    public BatchNorm2d(int channels) { this(channels, 1e-5, 0.1); }

    public Tensor weight() { return weight.value(); }
    public Tensor bias() { return bias.value(); }
    public Tensor runningMean() { return runningMean.value(); }
    public Tensor runningVar() { return runningVar.value(); }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining()) return F.batchNormEval(x, runningMean.value(), runningVar.value(), weight.value(), bias.value(), eps);
        F.BatchNormResult r = F.batchNormTrain(x, weight.value(), bias.value(), eps);
        F.updateRunningStats(runningMean, runningVar, r, momentum);
        numBatchesTracked.set(numBatchesTracked.value().add(Tensor.fromArray(new long[] {1})).reshape());
        return r.output();
    }
}
