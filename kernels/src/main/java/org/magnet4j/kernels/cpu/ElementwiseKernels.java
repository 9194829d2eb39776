package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.UnaryOp;

/** Unary, binary and where kernels; output is contiguous, inputs are any views of one shape. */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    private static final int GRAIN = 16384;

    static Tensor unary(CpuBackend b, UnaryOp op, Tensor x, double s) {
        Tensor out = b.uninitialized(x.dtype(), x.shape());
        Rows rx = Rows.coalesced(x)[0];
        int inner = rx.inner, xi = rx.innerStride;
        if (x.dtype() == DType.FLOAT32) {
            float[] xa = (float[]) ((CpuStorage) x.storage()).array, oa = (float[]) ((CpuStorage) out.storage()).array;
            if (xi == 1) { // unit-stride runs (one run when x is contiguous): vector loops
                Parallel.forRows(rx.rows, inner, GRAIN, (r, from, to) -> FloatLoops.unary(op, xa, rx.start(r) + from, oa, r * inner + from, to - from, s));
                return out;
            }
            float fs = (float) s;
            Parallel.forRange(rx.rows, rowGrain(inner), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int xs = rx.start(r), os = r * inner;
                    for (int i = 0; i < inner; i++) oa[os + i] = applyF(op, xa[xs + i * xi], fs, s);
                }
            });
            return out;
        }
        Buf xb = Buf.of(x), ob = Buf.of(out);
        Parallel.forRange(rx.rows, rowGrain(inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int xs = rx.start(r), os = r * inner;
                for (int i = 0; i < inner; i++) ob.set(os + i, apply(op, xb.get(xs + i * xi), s));
            }
        });
        return out;
    }

    /** float32 arithmetic where PyTorch computes in float32 (so results match bit for bit where possible). */
    static float applyF(UnaryOp op, float v, float fs, double s) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> (float) Math.exp(v);
            case LOG -> (float) Math.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case ABS -> Math.abs(v);
            case RELU -> v > 0 ? v : 0f;
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-v)));
            case TANH -> (float) Math.tanh(v);
            case POW_SCALAR -> s == 2 ? v * v : (float) Math.pow(v, s);
            case ADD_SCALAR -> v + fs;
            case MUL_SCALAR -> v * fs;
            case RDIV_SCALAR -> fs / v;
            case SIGN -> Math.signum(v);
        };
    }

    private static double apply(UnaryOp op, double v, double s) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case SQRT -> Math.sqrt(v);
            case ABS -> Math.abs(v);
            case RELU -> v > 0 ? v : 0;
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case TANH -> Math.tanh(v);
            case POW_SCALAR -> Math.pow(v, s);
            case ADD_SCALAR -> v + s;
            case MUL_SCALAR -> v * s;
            case RDIV_SCALAR -> s / v;
            case SIGN -> Math.signum(v);
        };
    }

    static Tensor binary(CpuBackend b, BinaryOp op, Tensor x, Tensor y) {
        Tensor out = b.uninitialized(op.isComparison() ? DType.BOOL : x.dtype(), x.shape());
        Rows[] rr = Rows.coalesced(x, y);
        Rows rx = rr[0], ry = rr[1];
        int inner = rx.inner, xi = rx.innerStride, yi = ry.innerStride;
        if (x.dtype() == DType.FLOAT32 && !op.isComparison()) {
            float[] xa = (float[]) ((CpuStorage) x.storage()).array, ya = (float[]) ((CpuStorage) y.storage()).array;
            float[] oa = (float[]) ((CpuStorage) out.storage()).array;
            Parallel.forRows(rx.rows, inner, GRAIN, (r, from, to) -> {
                int xs = rx.start(r) + from * xi, ys = ry.start(r) + from * yi, os = r * inner + from, n = to - from;
                if (xi == 1 && yi == 1) FloatLoops.binary(op, xa, xs, ya, ys, oa, os, n);
                else if (xi == 1 && yi == 0) FloatLoops.binaryRightScalar(op, xa, xs, ya[ys], oa, os, n);
                else if (xi == 0 && yi == 1) FloatLoops.binaryLeftScalar(op, xa[xs], ya, ys, oa, os, n);
                else floatRow(op, xa, xs, xi, ya, ys, yi, oa, os, n);
            });
            return out;
        }
        Buf xb = Buf.of(x), yb = Buf.of(y), ob = Buf.of(out);
        boolean integral = !x.dtype().isFloating();
        Parallel.forRange(rx.rows, rowGrain(inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int xs = rx.start(r), ys = ry.start(r), os = r * inner;
                for (int i = 0; i < inner; i++) ob.set(os + i, apply(op, xb.get(xs + i * xi), yb.get(ys + i * yi), integral));
            }
        });
        return out;
    }

    /** One row of a float32 binary op; the switch is outside the loop so each loop is simple and vectorisable. */
    static void floatRow(BinaryOp op, float[] x, int xs, int xi, float[] y, int ys, int yi, float[] o, int os, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[os + i] = x[xs + i * xi] + y[ys + i * yi]; }
            case SUB -> { for (int i = 0; i < n; i++) o[os + i] = x[xs + i * xi] - y[ys + i * yi]; }
            case MUL -> { for (int i = 0; i < n; i++) o[os + i] = x[xs + i * xi] * y[ys + i * yi]; }
            case DIV -> { for (int i = 0; i < n; i++) o[os + i] = x[xs + i * xi] / y[ys + i * yi]; }
            case MAX -> { for (int i = 0; i < n; i++) o[os + i] = maxNan(x[xs + i * xi], y[ys + i * yi]); }
            case MIN -> { for (int i = 0; i < n; i++) o[os + i] = minNan(x[xs + i * xi], y[ys + i * yi]); }
            case POW -> { for (int i = 0; i < n; i++) o[os + i] = (float) Math.pow(x[xs + i * xi], y[ys + i * yi]); }
            default -> throw new IllegalStateException(op + " is not arithmetic");
        }
    }

    private static float maxNan(float a, float b) { return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b); }

    private static float minNan(float a, float b) { return Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b); }

    private static double apply(BinaryOp op, double a, double b, boolean integral) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> integral ? Math.floorDiv((long) a, (long) b) : a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
        };
    }

    static Tensor where(CpuBackend b, Tensor c, Tensor x, Tensor y) {
        Tensor out = b.empty(x.dtype(), x.shape());
        Rows[] rr = Rows.coalesced(c, x, y);
        Rows rc = rr[0], rx = rr[1], ry = rr[2];
        byte[] ca = (byte[]) ((CpuStorage) c.storage()).array;
        Buf xb = Buf.of(x), yb = Buf.of(y), ob = Buf.of(out);
        int inner = rx.inner, ci = rc.innerStride, xi = rx.innerStride, yi = ry.innerStride;
        Parallel.forRange(rx.rows, rowGrain(inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int cs = rc.start(r), xs = rx.start(r), ys = ry.start(r), os = r * inner;
                for (int i = 0; i < inner; i++)
                    ob.set(os + i, ca[cs + i * ci] != 0 ? xb.get(xs + i * xi) : yb.get(ys + i * yi));
            }
        });
        return out;
    }

    static int rowGrain(int inner) { return Math.max(1, GRAIN / Math.max(inner, 1)); }
}
