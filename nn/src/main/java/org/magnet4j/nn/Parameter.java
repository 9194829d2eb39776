package org.magnet4j.nn;

import org.magnet4j.tensor.Tensor;

/**
 * A named slot holding a tensor: a trainable parameter (a leaf that requires grad) or a buffer
 * (running statistics, counters). Loading a state dict or an optimiser step replaces the value.
 */
public final class Parameter {
    private final boolean trainable;
    private Tensor value;

    Parameter(Tensor value, boolean trainable) {
        this.trainable = trainable;
        set(value);
    }

    public Tensor value() { return value; }

    public boolean trainable() { return trainable; }

    /** Replaces the value; a trainable value becomes a fresh leaf that requires grad. */
    public void set(Tensor v) {
        Tensor leaf = v.detach();
        if (trainable && leaf.dtype().isFloating()) leaf.requiresGrad(true);
        this.value = leaf;
    }

    public Tensor grad() { return value.grad(); }

    public void zeroGrad() { value.setGrad(null); }
}
