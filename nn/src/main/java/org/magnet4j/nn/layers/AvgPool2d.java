package org.magnet4j.nn.layers;

import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/** torch.nn.AvgPool2d over [N,C,H,W] (square kernel; stride defaults to the kernel size). */
public class AvgPool2d extends Module {
    public final Pool2dParams params;

    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.params = new Pool2dParams(kernel, kernel, stride, stride, padding, padding, ceilMode, countIncludePad);
    }

    public AvgPool2d(int kernel, int stride, int padding) { this(kernel, stride, padding, false, true); }

    public AvgPool2d(int kernel) { this(kernel, kernel, 0, false, true); }

    @Override public Tensor forward(Tensor x) { return x.avgPool2d(params); }
}
