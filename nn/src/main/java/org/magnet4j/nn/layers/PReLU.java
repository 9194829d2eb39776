package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.nn.Parameter;
import org.magnet4j.tensor.Tensor;

/** torch.nn.PReLU: y = x if x > 0 else a*x, with one slope or one per channel (dim 1); slopes start at 0.25. */
public class PReLU extends Module {
    public final int numParameters;
    private final Parameter weight;

    public PReLU(int numParameters, double init) {
        if (numParameters < 1) throw new IllegalArgumentException("PReLU: num_parameters must be at least 1, got " + numParameters);
        this.numParameters = numParameters;
        this.weight = parameter("weight", Tensor.full(init, numParameters));
    }

    public PReLU(int numParameters) { this(numParameters, 0.25); }

    public PReLU() { this(1); }

    public Tensor weight() { return weight.value(); }

    @Override public Tensor forward(Tensor x) { return x.prelu(weight.value()); }
}
