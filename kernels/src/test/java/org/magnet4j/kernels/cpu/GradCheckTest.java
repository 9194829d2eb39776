package org.magnet4j.kernels.cpu;

import java.util.List;
import java.util.SplittableRandom;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Float64 finite-difference checks of every differentiable core op (sampling ops are checked beside their kernels). */
class GradCheckTest {
    private final SplittableRandom rng = new SplittableRandom(42);

    private Tensor r(int... shape) { return Tensor.randn(rng, shape); }

    /** Values in [lo, hi), away from kinks. */
    private Tensor u(double lo, double hi, int... shape) { return Tensor.rand(rng, shape).mul(hi - lo).add(lo); }

    /** A shuffled 0.1, 0.2, ... so maxima are unique with gaps far above eps. */
    private Tensor distinct(int... shape) {
        int n = org.magnet4j.tensor.Shapes.numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 0.1 * (i + 1);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = v[i]; v[i] = v[j]; v[j] = t;
        }
        return Tensor.fromArray(v, shape);
    }

    @Test
    void broadcastingArithmetic() {
        GradCheck.check("add", x -> x.get(0).add(x.get(1)), List.of(r(2, 3, 4), r(3, 1)));
        GradCheck.check("sub", x -> x.get(0).sub(x.get(1)), List.of(r(2, 3, 4), r(4)));
        GradCheck.check("mul", x -> x.get(0).mul(x.get(1)), List.of(r(2, 1, 4), r(3, 1)));
        GradCheck.check("div", x -> x.get(0).div(x.get(1)), List.of(r(2, 3), u(0.5, 2, 3)));
        GradCheck.check("pow", x -> x.get(0).pow(x.get(1)), List.of(u(0.5, 2, 2, 3), r(2, 3)));
        GradCheck.check("maximum", x -> x.get(0).maximum(x.get(1)), List.of(r(3, 4), r(3, 4)));
        GradCheck.check("minimum", x -> x.get(0).minimum(x.get(1)), List.of(r(3, 4), r(4)));
        GradCheck.check("scalars", x -> x.get(0).mul(3).add(1).div(2).sub(0.5).pow(2).rdiv(1.5), List.of(u(0.5, 2, 3, 2)));
    }

    @Test
    void unaryFunctions() {
        GradCheck.check("exp", x -> x.get(0).exp(), List.of(r(3, 4)));
        GradCheck.check("log", x -> x.get(0).log(), List.of(u(0.2, 3, 3, 4)));
        GradCheck.check("sqrt", x -> x.get(0).sqrt(), List.of(u(0.2, 3, 3, 4)));
        GradCheck.check("abs", x -> x.get(0).abs(), List.of(u(0.1, 1, 3, 4).mul(Tensor.fromArray(new float[] {1, -1, 1, -1}, 4))));
        GradCheck.check("relu", x -> x.get(0).relu(), List.of(u(0.1, 1, 3, 4).mul(Tensor.fromArray(new float[] {1, -1, 1, -1}, 4))));
        GradCheck.check("sigmoid", x -> x.get(0).sigmoid(), List.of(r(3, 4)));
        GradCheck.check("tanh", x -> x.get(0).tanh(), List.of(r(3, 4)));
        GradCheck.check("neg", x -> x.get(0).neg(), List.of(r(3, 4)));
        GradCheck.check("prelu", x -> x.get(0).prelu(x.get(1)),
                List.of(u(0.1, 1, 2, 3, 2, 2).mul(Tensor.fromArray(new float[] {1, -1}, 2)), r(3)));
        GradCheck.check("where", x -> Tensor.where(x.get(0).gt(0.0), x.get(0), x.get(1)), List.of(r(3, 4), r(4)));
    }

    @Test
    void reductionsAndSoftmax() {
        GradCheck.check("sum dims", x -> x.get(0).sum(new int[] {0, 2}, false), List.of(r(2, 3, 4)));
        GradCheck.check("sum keep", x -> x.get(0).sum(1, true), List.of(r(2, 3, 4)));
        GradCheck.check("mean", x -> x.get(0).mean(new int[] {1, 2}, true), List.of(r(2, 3, 4)));
        GradCheck.check("max dim", x -> x.get(0).max(1, false)[0], List.of(distinct(3, 5)));
        GradCheck.check("min dim", x -> x.get(0).min(0, true)[0], List.of(distinct(3, 5)));
        GradCheck.check("softmax", x -> x.get(0).softmax(1), List.of(r(2, 4, 3)));
        GradCheck.check("log_softmax", x -> x.get(0).logSoftmax(-1), List.of(r(2, 4, 3)));
    }

    @Test
    void matmulShapes() {
        GradCheck.check("matmul 2d", x -> x.get(0).matmul(x.get(1)), List.of(r(3, 4), r(4, 5)));
        GradCheck.check("bmm", x -> x.get(0).matmul(x.get(1)), List.of(r(2, 3, 4), r(2, 4, 2)));
        GradCheck.check("broadcast batch", x -> x.get(0).matmul(x.get(1)), List.of(r(2, 3, 4), r(4, 2)));
        GradCheck.check("vector", x -> x.get(0).matmul(x.get(1)), List.of(r(3, 4), r(4)));
        GradCheck.check("transposed view", x -> x.get(0).transpose(0, 1).matmul(x.get(1)), List.of(r(4, 3), r(4, 2)));
    }

    @Test
    void convolutions() {
        GradCheck.check("conv 3x3 pad1", x -> x.get(0).conv2d(x.get(1), x.get(2), Conv2dParams.of(1, 1, 1, 1)), List.of(r(2, 3, 5, 6), r(4, 3, 3, 3), r(4)));
        GradCheck.check("conv stride2 dil2", x -> x.get(0).conv2d(x.get(1), null, new Conv2dParams(2, 1, 2, 1, 2, 1, 1)), List.of(r(1, 2, 7, 6), r(3, 2, 3, 3)));
        GradCheck.check("conv groups", x -> x.get(0).conv2d(x.get(1), x.get(2), Conv2dParams.of(1, 0, 1, 2)), List.of(r(2, 4, 4, 5), r(6, 2, 1, 1), r(6)));
        GradCheck.check("conv depthwise", x -> x.get(0).conv2d(x.get(1), null, Conv2dParams.of(1, 1, 1, 3)), List.of(r(1, 3, 5, 4), r(3, 1, 3, 3)));
        GradCheck.check("conv 1x1", x -> x.get(0).conv2d(x.get(1), null, Conv2dParams.of(1, 0, 1, 1)), List.of(r(2, 3, 3, 4), r(5, 3, 1, 1)));
    }

    @Test
    void pooling() {
        // distinct values so the max is unique and moves by less than the gaps under eps
        GradCheck.check("max_pool", x -> x.get(0).maxPool2d(Pool2dParams.of(3, 2, 1)), List.of(distinct(1, 2, 5, 7)));
        GradCheck.check("avg_pool", x -> x.get(0).avgPool2d(new Pool2dParams(3, 3, 2, 2, 1, 1, true, false)), List.of(r(1, 2, 6, 7)));
        GradCheck.check("avg_pool incl pad", x -> x.get(0).avgPool2d(Pool2dParams.of(2, 2, 1)), List.of(r(1, 2, 5, 5)));
        GradCheck.check("adaptive", x -> x.get(0).adaptiveAvgPool2d(3, 2), List.of(r(1, 2, 7, 5)));
    }

    @Test
    void joiningAndIndexing() {
        GradCheck.check("cat", x -> Tensor.cat(List.of(x.get(0), x.get(1)), 1), List.of(r(2, 3), r(2, 2)));
        GradCheck.check("stack", x -> Tensor.stack(List.of(x.get(0), x.get(1)), 0), List.of(r(2, 3), r(2, 3)));
        Tensor idx = Tensor.fromArray(new long[] {0, 2, 1, 1, 0, 2}, 2, 3);
        GradCheck.check("gather", x -> x.get(0).gather(1, idx), List.of(r(2, 4)));
        GradCheck.check("scatter_add", x -> x.get(0).scatterAdd(1, idx, x.get(1)), List.of(r(2, 4), r(2, 3)));
        GradCheck.check("index_select", x -> x.get(0).indexSelect(0, Tensor.fromArray(new long[] {2, 0, 2}, 3)), List.of(r(3, 2)));
        Tensor mask = Tensor.fromArray(new byte[] {1, 0, 1, 1, 0, 0}, org.magnet4j.tensor.DType.BOOL, 2, 3);
        GradCheck.check("masked_select", x -> x.get(0).maskedSelect(mask), List.of(r(2, 3)));
        GradCheck.check("views", x -> x.get(0).permute(2, 0, 1).narrow(1, 1, 2).reshape(-1, 2).expand(2, 4, 2).slice(2, 0, 2, 1), List.of(r(3, 2, 2)));
    }
}
