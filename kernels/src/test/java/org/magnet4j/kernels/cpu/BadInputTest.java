package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/** Bad input ends in a TensorException whose message names the op and the shapes involved. */
class BadInputTest {
    private static void expect(Executable call, String... fragments) {
        TensorException e = assertThrows(TensorException.class, call);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }

    @Test
    void nonBroadcastableShapes() {
        expect(() -> Tensor.zeros(2, 3).mul(Tensor.zeros(3, 2)), "mul", "[2, 3]", "[3, 2]");
        expect(() -> Tensor.where(Tensor.zeros(2, 3).gt(0.0), Tensor.zeros(4), Tensor.zeros(3)), "where", "[2, 3]", "[4]");
        expect(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3)), "matmul", "[2, 3]");
        expect(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)), "matmul", "[2]", "[3]");
    }

    @Test
    void convolutionMismatches() {
        Tensor x = Tensor.zeros(1, 3, 8, 8);
        expect(() -> x.conv2d(Tensor.zeros(4, 2, 3, 3), null, Conv2dParams.of(1, 1, 1, 1)), "conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]");
        expect(() -> x.conv2d(Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5), Conv2dParams.of(1, 1, 1, 1)), "conv2d", "bias");
        expect(() -> x.conv2d(Tensor.zeros(4, 3, 9, 9), null, Conv2dParams.of(1, 0, 1, 1)), "conv2d", "empty");
        expect(() -> x.conv2d(Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3), null, Conv2dParams.of(1, 1, 1, 1)), "conv2d", "float64");
        expect(() -> Tensor.zeros(3, 8, 8).conv2d(Tensor.zeros(4, 3, 3, 3), null, Conv2dParams.of(1, 1, 1, 1)), "conv2d", "4-D");
        expect(() -> x.maxPool2d(Pool2dParams.of(16, 1, 0)), "max_pool2d", "[1, 3, 8, 8]");
    }

    @Test
    void wrongDtypes() {
        expect(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(DType.FLOAT64, 3, 2)), "matmul", "float32[2, 3]", "float64[3, 2]");
        expect(() -> Tensor.zeros(2, 3).gather(1, Tensor.zeros(2, 3)), "gather", "int64", "float32[2, 3]");
        expect(() -> Tensor.zeros(DType.INT64, 2, 3).softmax(1), "softmax", "int64[2, 3]");
        expect(() -> Tensor.where(Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(2, 3)), "where", "bool");
    }

    @Test
    void outOfRangeIndicesAndDims() {
        Tensor x = Tensor.zeros(2, 3);
        expect(() -> x.gather(1, Tensor.fromArray(new long[] {0, 3}, 2, 1)), "gather", "3", "[2, 3]");
        expect(() -> x.indexSelect(0, Tensor.fromArray(new long[] {-1}, 1)), "-1");
        expect(() -> x.sum(2, false), "sum", "dim 2", "rank 2");
        expect(() -> x.narrow(1, 2, 2), "narrow", "[2, 3]");
        expect(() -> x.select(0, 5), "select", "5");
        expect(() -> x.topk(4, 1, true), "topk", "k=4");
        expect(() -> x.reshape(4, 2), "reshape", "[4, 2]", "[2, 3]");
        expect(() -> Tensor.cat(List.of(x, Tensor.zeros(3, 3)), 1), "cat", "[2, 3]", "[3, 3]");
        expect(() -> Sampling.roiAlign(Tensor.zeros(1, 1, 4, 4), Tensor.fromArray(new float[] {1, 0, 0, 1, 1}, 1, 5), 2, 2, 1, -1, false), "roi_align", "batch index");
    }
}
