package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/** torch.nn.Identity: returns its input. */
public class Identity extends Module {
    @Override public Tensor forward(Tensor x) { return x; }
}
