package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * The float64 x w^T kernel (OCR's class contexts) against what it stands for, x widened then matmul'd with w^T:
 * every bit equal, for float32 and float64 x, odd row counts, class counts across several column groups,
 * K across several blocks, batches, and a non-contiguous x. With gradients the composed ops run and x gets its
 * gradient.
 */
class MatmulT64Test {
    private static final CpuBackend CPU = new CpuBackend();

    @ParameterizedTest(name = "b={0} m={1} n={2} k={3} x={4}")
    @CsvSource({
        "1, 512, 19, 2500, FLOAT32",  // OCR's shape, K over three blocks
        "2, 7, 5, 33, FLOAT32",
        "1, 1, 1, 1, FLOAT32",
        "1, 9, 30, 1100, FLOAT64",    // two column groups, one odd row
        "3, 4, 48, 17, FLOAT64"
    })
    void matchesWideningThenMatmulBitForBit(int b, int m, int n, int k, DType xType) {
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        Tensor x = Tensor.randn(rng, b, m, k).to(xType), w = Tensor.randn(rng, b, n, k).to(DType.FLOAT64).softmax(2);
        Tensor want = x.to(DType.FLOAT64).matmul(w.transpose(1, 2));
        Tensor got = CPU.matmulT64(x, w);
        assertArrayEquals(want.shape(), got.shape());
        double[] wv = want.toDoubleArray(), gv = got.toDoubleArray();
        for (int i = 0; i < wv.length; i++) assertEquals(Double.doubleToRawLongBits(wv[i]), Double.doubleToRawLongBits(gv[i]), "element " + i);
    }

    @Test
    void nonContiguousInputAndTheTensorOpAgree() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.randn(rng, 1, 40, 23).transpose(1, 2), w = Tensor.randn(rng, 1, 6, 40).to(DType.FLOAT64); // x [1, 23, 40]
        Tensor want = x.to(DType.FLOAT64).matmul(w.transpose(1, 2));
        Tensor got;
        try (var g = GradMode.noGrad()) {
            got = x.matmulT64(w);
        }
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray());
    }

    @Test
    void gradientsFlowThroughTheComposedPath() {
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = Tensor.randn(rng, 1, 5, 9).requiresGrad(true), w = Tensor.randn(rng, 1, 3, 9).to(DType.FLOAT64);
        Tensor y = x.matmulT64(w);
        y.sum().backward();
        assertNotNull(x.grad(), "x has a gradient");
        // d(sum)/dx[m][k] = sum over n of w[n][k]
        double[] wv = w.toDoubleArray(), gx = x.grad().toDoubleArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 9; j++) assertEquals(wv[j] + wv[9 + j] + wv[18 + j], gx[i * 9 + j], 1e-6);
    }

    @Test
    void badOperandsAreRefused() {
        Tensor x = Tensor.zeros(1, 2, 3), w32 = Tensor.zeros(1, 2, 3), w = w32.to(DType.FLOAT64);
        assertThrows(TensorException.class, () -> x.matmulT64(w32));                 // w must be float64
        assertThrows(TensorException.class, () -> x.matmulT64(Tensor.zeros(1, 2, 4).to(DType.FLOAT64))); // K differs
    }
}
