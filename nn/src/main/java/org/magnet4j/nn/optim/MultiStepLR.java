package org.magnet4j.nn.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.magnet4j.nn.StateDictException;
import org.magnet4j.tensor.Tensor;

/**
 * torch.optim.lr_scheduler.MultiStepLR, stepped once per epoch: after e steps the learning rate is
 * initial_lr * gamma^(number of milestones <= e). A new scheduler is at epoch 0 with the initial rate;
 * {@link #MultiStepLR(Optimizer, int[], double, int)} resumes at a given epoch, as if stepped that often.
 */
public class MultiStepLR {
    private final Optimizer optimizer;
    private final int[] milestones;
    public final double gamma;
    private final double baseLr;
    private int lastEpoch;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma, int lastEpoch) {
        if (lastEpoch < 0) throw new IllegalArgumentException("MultiStepLR: lastEpoch must be >= 0, got " + lastEpoch);
        this.optimizer = optimizer;
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        this.baseLr = optimizer.initialLr();
        this.lastEpoch = lastEpoch;
        apply();
    }

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) { this(optimizer, milestones, gamma, 0); }

    /** Ends an epoch: advances the epoch count and sets the optimiser's learning rate. */
    public void step() {
        lastEpoch++;
        apply();
    }

    public int lastEpoch() { return lastEpoch; }

    /** The learning rate for an epoch: base * gamma^(milestones <= epoch), PyTorch's closed form. */
    public double lrAt(int epoch) {
        int passed = 0;
        for (int m : milestones) if (m <= epoch) passed++;
        return baseLr * Math.pow(gamma, passed);
    }

    public double lastLr() { return optimizer.lr(); }

    private void apply() { optimizer.setLr(lrAt(lastEpoch)); }

    /** last_epoch and base_lrs.0, as PyTorch's scheduler state_dict keys. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", Tensor.fromArray(new long[] {lastEpoch}).reshape());
        out.put("base_lrs.0", Tensor.fromArray(new double[] {baseLr}).reshape());
        out.put("gamma", Tensor.fromArray(new double[] {gamma}).reshape());
        long[] ms = new long[milestones.length];
        for (int i = 0; i < ms.length; i++) ms[i] = milestones[i];
        out.put("milestones", Tensor.fromArray(ms, ms.length));
        return out;
    }

    /** Restores the epoch count (milestones, gamma and base rate must match) and sets the learning rate. */
    public void loadStateDict(Map<String, Tensor> state) {
        Tensor e = state.get("last_epoch");
        if (e == null) throw new StateDictException("MultiStepLR state dict lacks last_epoch");
        Tensor b = state.get("base_lrs.0");
        if (b != null && b.item() != baseLr) throw new StateDictException("MultiStepLR state dict has base lr " + b.item() + ", this scheduler " + baseLr);
        Tensor g = state.get("gamma");
        if (g != null && g.item() != gamma) throw new StateDictException("MultiStepLR state dict has gamma " + g.item() + ", this scheduler " + gamma);
        Tensor ms = state.get("milestones");
        if (ms != null && !Arrays.equals(Arrays.stream(milestones).asLongStream().toArray(), ms.toLongArray()))
            throw new StateDictException("MultiStepLR state dict has milestones " + Arrays.toString(ms.toLongArray()) + ", this scheduler " + Arrays.toString(milestones));
        lastEpoch = (int) e.item();
        apply();
    }
}
