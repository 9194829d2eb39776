package org.magnet4j.nn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** The comparison helpers themselves: figures, bounds, NaN handling, exactness; and that a wrong op fails a case. */
class CompareTest {
    private static final Compare.Tol TOL = new Compare.Tol(1e-5, 1e-5);

    @Test void figuresAndBounds() {
        Tensor ref = Tensor.fromArray(new float[] {3, 4}, 2);
        Compare.Stats same = Compare.floating("out0", Tensor.fromArray(new float[] {3, 4}, 2), ref, TOL);
        assertTrue(same.ok(), same.message());
        assertEquals(0, same.maxAbs());
        // diff (0, 1e-3): max_abs 1e-3, rel_l2 1e-3 / 5
        Compare.Stats off = Compare.floating("out0", Tensor.fromArray(new double[] {3, 4.001}, 2), ref.to(DType.FLOAT64), TOL);
        assertFalse(off.ok());
        assertEquals(1e-3, off.maxAbs(), 1e-12);
        assertEquals(2e-4, off.relL2(), 1e-12);
        assertTrue(off.message().contains("EXCEEDS 1.00e-05"), off.message());
        assertTrue(off.message().contains("worst at [1]"), off.message());
        // Only rel_l2 bounded: passes on rel_l2 alone.
        assertTrue(Compare.floating("out0", Tensor.fromArray(new double[] {3, 4.001}, 2), ref.to(DType.FLOAT64), new Compare.Tol(null, 1e-3)).ok());
    }

    @Test void zeroReferenceUsesAbsoluteError() {
        Tensor ref = Tensor.zeros(3);
        Compare.Stats s = Compare.floating("grad_in0", Tensor.fromArray(new float[] {0, 2e-6f, 0}, 3), ref, new Compare.Tol(null, 1e-5));
        assertTrue(s.ok(), s.message());
        assertEquals(2e-6, s.relL2(), 1e-12);
        assertFalse(Compare.floating("grad_in0", Tensor.fromArray(new float[] {0, 2e-5f, 0}, 3), ref, new Compare.Tol(null, 1e-5)).ok());
    }

    @Test void nanAndInfinityMustMatch() {
        Tensor ref = Tensor.fromArray(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY}, 3);
        assertTrue(Compare.floating("out0", Tensor.fromArray(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY}, 3), ref, TOL).ok());
        assertFalse(Compare.floating("out0", Tensor.fromArray(new float[] {1, 0, Float.POSITIVE_INFINITY}, 3), ref, TOL).ok());
        assertFalse(Compare.floating("out0", Tensor.fromArray(new float[] {1, Float.NaN, Float.NEGATIVE_INFINITY}, 3), ref, TOL).ok());
        assertFalse(Compare.floating("out0", Tensor.fromArray(new float[] {Float.NaN, Float.NaN, Float.POSITIVE_INFINITY}, 3), ref, TOL).ok());
    }

    @Test void shapesMustMatch() {
        assertFalse(Compare.floating("out0", Tensor.zeros(2, 3), Tensor.zeros(3, 2), TOL).ok());
        assertFalse(Compare.floating("out0", Tensor.zeros(1), Tensor.zeros(DType.FLOAT32), TOL).ok()); // [1] vs 0-d
        assertFalse(Compare.exact("out1", Tensor.fromArray(new long[] {1, 2}, 2), Tensor.fromArray(new long[] {1, 2}, 1, 2)).ok());
    }

    @Test void integersAndBoolsExactly() {
        Tensor ref = Tensor.fromArray(new long[] {0, 5, 7}, 3);
        assertTrue(Compare.exact("out1", Tensor.fromArray(new long[] {0, 5, 7}, 3), ref).ok());
        Compare.Stats bad = Compare.exact("out1", Tensor.fromArray(new long[] {0, 6, 7}, 3), ref);
        assertFalse(bad.ok());
        assertTrue(bad.message().contains("1 of 3"), bad.message());
        Tensor mask = Tensor.fromArray(new byte[] {1, 0}, DType.BOOL, 2);
        assertTrue(Compare.exact("out0", Tensor.fromArray(new byte[] {1, 0}, DType.BOOL, 2), mask).ok());
        assertFalse(Compare.exact("out0", Tensor.fromArray(new byte[] {0, 0}, DType.BOOL, 2), mask).ok());
        assertFalse(Compare.exact("out0", Tensor.fromArray(new long[] {1, 0}, 2), mask).ok()); // int64 where bool is due
        assertFalse(Compare.exact("out0", Tensor.fromArray(new float[] {0, 5, 7}, 3), ref).ok()); // float where int64 is due
    }

    /** The harness is not vacuous: the add case's reference does not match a - b, nor a + b perturbed in one place. */
    @Test void wrongResultFailsARealCase() throws Exception {
        ParityCase c = ParityCase.load(OpParityTest.repoDir().resolve("parity/cases/add_same"));
        Tensor a = c.tensor("in0"), b = c.tensor("in1"), ref = c.tensor("out0");
        assertTrue(Compare.floating("out0", a.add(b), ref, c.tol()).ok());
        assertFalse(Compare.floating("out0", a.sub(b), ref, c.tol()).ok());
        float[] v = a.add(b).toFloatArray();
        v[7] += 1e-3f;
        assertFalse(Compare.floating("out0", Tensor.fromArray(v, ref.shape()), ref, c.tol()).ok());
    }
}
