package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.UnaryOp;

/**
 * float32 elementwise loops over unit-stride runs: the op switch sits outside the loop, the common ops use
 * the Vector API with a scalar tail. Each lane does exactly the float operation of the scalar code
 * (IEEE add/sub/mul/div are correctly rounded either way), so results are bit-identical to it.
 */
final class FloatLoops {
    private FloatLoops() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /** o[os+i] = op(x[xs+i]) for i in [0, n). */
    static void unary(UnaryOp op, float[] x, int xs, float[] o, int os, int n, double s) {
        float fs = (float) s;
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (; i < bound; i += VL) {
                    FloatVector v = FloatVector.fromArray(S, x, xs + i);
                    zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(o, os + i); // NaN and -0 give +0, as v > 0 ? v : 0
                }
                for (; i < n; i++) { float v = x[xs + i]; o[os + i] = v > 0 ? v : 0f; }
            }
            case NEG -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).neg().intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = -x[xs + i];
            }
            case ADD_SCALAR -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).add(fs).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] + fs;
            }
            case MUL_SCALAR -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).mul(fs).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] * fs;
            }
            case RDIV_SCALAR -> {
                FloatVector f = FloatVector.broadcast(S, fs);
                for (; i < bound; i += VL) f.div(FloatVector.fromArray(S, x, xs + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = fs / x[xs + i];
            }
            default -> { for (; i < n; i++) o[os + i] = ElementwiseKernels.applyF(op, x[xs + i], fs, s); }
        }
    }

    /** o[os+i] = x[xs+i] op y[ys+i]. */
    static void binary(BinaryOp op, float[] x, int xs, float[] y, int ys, float[] o, int os, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case ADD -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).add(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] + y[ys + i];
            }
            case SUB -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).sub(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] - y[ys + i];
            }
            case MUL -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).mul(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] * y[ys + i];
            }
            case DIV -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).div(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] / y[ys + i];
            }
            default -> ElementwiseKernels.floatRow(op, x, xs, 1, y, ys, 1, o, os, n);
        }
    }

    /** o[os+i] = x[xs+i] op y: the right operand is one value (a broadcast row). */
    static void binaryRightScalar(BinaryOp op, float[] x, int xs, float y, float[] o, int os, int n) {
        int i = 0, bound = S.loopBound(n);
        switch (op) {
            case ADD -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).add(y).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] + y;
            }
            case SUB -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).sub(y).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] - y;
            }
            case MUL -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).mul(y).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] * y;
            }
            case DIV -> {
                for (; i < bound; i += VL) FloatVector.fromArray(S, x, xs + i).div(y).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x[xs + i] / y;
            }
            default -> ElementwiseKernels.floatRow(op, x, xs, 1, new float[] {y}, 0, 0, o, os, n);
        }
    }

    /** o[os+i] = x op y[ys+i]: the left operand is one value. */
    static void binaryLeftScalar(BinaryOp op, float x, float[] y, int ys, float[] o, int os, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector xv = FloatVector.broadcast(S, x);
        switch (op) {
            case ADD -> {
                for (; i < bound; i += VL) xv.add(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x + y[ys + i];
            }
            case SUB -> {
                for (; i < bound; i += VL) xv.sub(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x - y[ys + i];
            }
            case MUL -> {
                for (; i < bound; i += VL) xv.mul(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x * y[ys + i];
            }
            case DIV -> {
                for (; i < bound; i += VL) xv.div(FloatVector.fromArray(S, y, ys + i)).intoArray(o, os + i);
                for (; i < n; i++) o[os + i] = x / y[ys + i];
            }
            default -> ElementwiseKernels.floatRow(op, new float[] {x}, 0, 0, y, ys, 1, o, os, n);
        }
    }
}
