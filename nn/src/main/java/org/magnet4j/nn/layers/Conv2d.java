package org.magnet4j.nn.layers;

import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.Parameter;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.Tensor;

/** 2-D convolution with PyTorch's parameter names (weight, bias) and default initialisation bounds. */
public class Conv2d extends Module {
    public final int in, out, kernelH, kernelW;
    public final Conv2dParams params;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        if (in < 1 || out < 1 || kernel < 1 || groups < 1 || in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("Conv2d: in " + in + " and out " + out + " channels must be positive multiples of groups " + groups + ", kernel " + kernel + " positive");
        this.in = in;
        this.out = out;
        this.kernelH = kernel;
        this.kernelW = kernel;
        this.params = Conv2dParams.of(stride, padding, dilation, groups);
        double bound = 1.0 / Math.sqrt((double) in / groups * kernel * kernel);
        this.weight = parameter("weight", Init.uniform(bound, out, in / groups, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.uniform(bound, out)) : null;
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias);
    }

    public Tensor weight() { return weight.value(); }

    public Tensor bias() { return bias == null ? null : bias.value(); }

    @Override public Tensor forward(Tensor x) { return x.conv2d(weight.value(), bias == null ? null : bias.value(), params); }
}
