package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Tensor;

/**
 * The float32 vector fast paths (contiguous, broadcast rows) against the plain scalar formula, element by
 * element and bit for bit, and against the same op on strided views of the same values.
 */
class ElementwiseFastPathTest {
    private static final int[] SHAPE = {2, 3, 7, 37}; // rows not a multiple of any vector length

    /** Random values with the awkward ones sprinkled in: NaN, both zeros, infinities. */
    private static float[] values(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        float[] odd = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) v[i] = i % 13 == 5 ? odd[(i / 13) % odd.length] : (float) rng.nextGaussian();
        return v;
    }

    /** The same values as a contiguous tensor and as a transposed (strided) view. */
    private static Tensor[] contiguousAndStrided(float[] v) {
        Tensor c = Tensor.fromArray(v, SHAPE);
        Tensor s = c.transpose(2, 3).contiguous().transpose(2, 3);
        assertFalse(s.isContiguous());
        return new Tensor[] {c, s};
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), what + " at " + i + ": " + want[i] + " vs " + got[i]);
    }

    private static void checkUnary(String name, Function<Tensor, Tensor> op, java.util.function.DoubleUnaryOperator f) {
        float[] v = values(1, 2 * 3 * 7 * 37);
        Tensor[] t = contiguousAndStrided(v);
        float[] want = new float[v.length];
        for (int i = 0; i < v.length; i++) want[i] = (float) f.applyAsDouble(v[i]);
        assertBits(want, op.apply(t[0]).toFloatArray(), name + " contiguous");
        assertBits(want, op.apply(t[1]).toFloatArray(), name + " strided");
    }

    @Test
    void unaryOpsMatchTheScalarFormula() {
        checkUnary("relu", Tensor::relu, v -> (float) v > 0 ? (float) v : 0f);
        checkUnary("neg", Tensor::neg, v -> -(float) v);
        checkUnary("add scalar", x -> x.add(0.3), v -> (float) v + 0.3f);
        checkUnary("mul scalar", x -> x.mul(-1.7), v -> (float) v * -1.7f);
        checkUnary("rdiv", x -> x.rdiv(2.5), v -> 2.5f / (float) v);
        checkUnary("square", x -> x.pow(2), v -> (float) v * (float) v);
        checkUnary("abs", Tensor::abs, v -> Math.abs((float) v));
        checkUnary("exp", Tensor::exp, v -> (float) Math.exp((float) v));
    }

    @Test
    void reluMapsNanAndNegativeZeroToPositiveZero() {
        float[] got = Tensor.fromArray(new float[] {Float.NaN, -0f, -1f, 2f, Float.POSITIVE_INFINITY}, 5).relu().toFloatArray();
        assertBits(new float[] {0f, 0f, 0f, 2f, Float.POSITIVE_INFINITY}, got, "relu specials");
    }

    private static void checkBinary(String name, java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator f) {
        int n = 2 * 3 * 7 * 37;
        float[] a = values(2, n), b = values(3, n);
        Tensor[] ta = contiguousAndStrided(a), tb = contiguousAndStrided(b);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) want[i] = (float) f.applyAsDouble(a[i], b[i]);
        assertBits(want, op.apply(ta[0], tb[0]).toFloatArray(), name + " contiguous");
        assertBits(want, op.apply(ta[1], tb[0]).toFloatArray(), name + " strided left");
        assertBits(want, op.apply(ta[0], tb[1]).toFloatArray(), name + " strided right");
        assertBits(want, op.apply(ta[1], tb[1]).toFloatArray(), name + " both strided");
    }

    @Test
    void binaryOpsMatchTheScalarFormula() {
        checkBinary("add", Tensor::add, (x, y) -> (float) x + (float) y);
        checkBinary("sub", Tensor::sub, (x, y) -> (float) x - (float) y);
        checkBinary("mul", Tensor::mul, (x, y) -> (float) x * (float) y);
        checkBinary("div", Tensor::div, (x, y) -> (float) x / (float) y);
        checkBinary("max", Tensor::maximum, (x, y) -> Float.isNaN((float) x) || Float.isNaN((float) y) ? Float.NaN : Math.max((float) x, (float) y));
        checkBinary("min", Tensor::minimum, (x, y) -> Float.isNaN((float) x) || Float.isNaN((float) y) ? Float.NaN : Math.min((float) x, (float) y));
    }

    /** [N,C,H,W] op [1,C,1,1] (a per-channel row broadcast) and [1,C,1,1] op [N,C,H,W], both operand orders. */
    @Test
    void channelBroadcastMatchesTheScalarFormula() {
        int n = 2, c = 3, hw = 7 * 37;
        float[] a = values(4, n * c * hw), ch = {1.5f, -0.25f, Float.NaN};
        Tensor x = Tensor.fromArray(a, SHAPE), y = Tensor.fromArray(ch, 1, c, 1, 1);
        float[] sub = new float[a.length], rsub = new float[a.length], mul = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            float k = ch[(i / hw) % c];
            sub[i] = a[i] - k;
            rsub[i] = k - a[i];
            mul[i] = a[i] * k;
        }
        assertBits(sub, x.sub(y).toFloatArray(), "x - channel");
        assertBits(rsub, y.sub(x).toFloatArray(), "channel - x");
        assertBits(mul, x.mul(y).toFloatArray(), "x * channel");
        Tensor xs = contiguousAndStrided(a)[1];
        assertBits(sub, xs.sub(y).toFloatArray(), "strided x - channel");
    }

    /** Big enough to be split across threads inside rows: every piece must land in its place. */
    @Test
    void largeBroadcastSplitsAcrossThreadsIntact() {
        int n = 3, c = 5, hw = 12345;
        float[] a = values(6, n * c * hw), ch = {1f, 2f, 3f, 4f, 5f};
        float[] got = Tensor.fromArray(a, n, c, hw).add(Tensor.fromArray(ch, 1, c, 1)).relu().toFloatArray();
        float[] want = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            float v = a[i] + ch[(i / hw) % c];
            want[i] = v > 0 ? v : 0f;
        }
        assertBits(want, got, "add + relu");
    }

    @Test
    void contiguousCopyOfAStridedViewKeepsValues() {
        float[] v = values(5, 2 * 3 * 7 * 37);
        Tensor s = contiguousAndStrided(v)[1];
        assertBits(v, s.contiguous().toFloatArray(), "copy");
        // a slice with a step: rows are no longer mergeable
        float[] got = Tensor.fromArray(v, SHAPE).slice(3, 1, 37, 3).contiguous().toFloatArray();
        float[] want = new float[2 * 3 * 7 * 12];
        for (int r = 0, k = 0; r < 2 * 3 * 7; r++) for (int j = 1; j < 37; j += 3) want[k++] = v[r * 37 + j];
        assertBits(want, got, "stepped slice");
    }
}
