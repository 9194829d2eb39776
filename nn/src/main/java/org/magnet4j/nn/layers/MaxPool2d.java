package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/** torch.nn.MaxPool2d over [N,C,H,W] (square kernel; stride defaults to the kernel size). */
public class MaxPool2d extends Module {
    public final Pool2dParams params;

    public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this.params = new Pool2dParams(kernel, kernel, stride, stride, padding, padding, ceilMode, true);
    }

    public MaxPool2d(int kernel, int stride, int padding) { this(kernel, stride, padding, false); }

    public MaxPool2d(int kernel) { this(kernel, kernel, 0, false); }

    @Override public Tensor forward(Tensor x) { return x.maxPool2d(params); }
}
