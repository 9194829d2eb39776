package org.magnet4j.nn.optim;

import java.util.Map;
import org.magnet4j.tensor.Tensor;

/** A parameter update rule with one learning rate (one param group), as the schedulers need it. */
public interface Optimizer {
    /** Applies one update from the parameters' current gradients; parameters without a gradient are skipped. */
    void step();

    /** Clears every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
    void zeroGrad();

    double lr();

    void setLr(double lr);

    /** The learning rate the optimiser was built with (PyTorch's param_groups[0]['initial_lr']). */
    double initialLr();

    /** Per-parameter state and hyper-parameters, flattened with PyTorch's names (state.0.momentum_buffer, param_groups.0.lr). */
    Map<String, Tensor> stateDict();

    void loadStateDict(Map<String, Tensor> state);
}
