package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

public class ReLU extends Module {
    @Override public Tensor forward(Tensor x) { return x.relu(); }
}
