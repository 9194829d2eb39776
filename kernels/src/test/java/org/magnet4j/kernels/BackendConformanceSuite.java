package org.magnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Function;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.UnaryOp;

/**
 * Every Backend op on the CPU and on another backend from the same random inputs (odd shapes, strided and
 * expanded views), forward and backward. Each backend's test extends this and says which {@link Conformance}
 * (device) to use and when to skip.
 */
public abstract class BackendConformanceSuite {
    protected abstract Conformance conformance();

    protected void check(String op, Function<List<Tensor>, Object> f, boolean backward, boolean exact, Tensor... inputs) {
        conformance().check(op, f, backward, exact, inputs);
    }

    public enum F { FLOAT32, FLOAT64 }

    protected static DType dt(F f) { return f == F.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64; }

    protected static Tensor randn(long seed, DType t, int... shape) { return Tensor.randn(new SplittableRandom(seed), shape).to(t); }

    /** Values on a half-integer grid, so ties occur. */
    protected static Tensor ties(long seed, DType t, int... shape) { return randn(seed, DType.FLOAT64, shape).mul(2).to(DType.INT64).to(t).div(2); }

    @Test public void conversionsAllDTypes() {
        DType[] all = DType.values();
        Tensor src = randn(1, DType.FLOAT64, 4, 5, 6).mul(60);
        for (DType from : all) {
            Tensor s = from == DType.BOOL ? src.gt(0.0) : src.to(from);
            for (DType to : all)
                check("copy " + from + "->" + to, in -> in.get(0).permute(2, 0, 1).narrow(1, 1, 3).to(to), false, true, s);
        }
        check("copy strided->strided", in -> {
            Tensor y = Tensor.zeros(in.get(0).device(), DType.FLOAT32, 6, 10);
            y.slice(1, 1, 10, 2).assign(in.get(0).transpose(0, 1));
            return y;
        }, false, true, randn(2, DType.FLOAT32, 5, 6));
        check("fill view", in -> {
            Tensor y = in.get(0).clone();
            y.transpose(0, 1).narrow(0, 1, 2).fill(3.25);
            return y;
        }, false, true, randn(3, DType.FLOAT32, 4, 5));
        check("fill int64", in -> in.get(0).clone().fill(-7), false, true, Tensor.arange(9));
    }

    @ParameterizedTest @EnumSource(F.class) public void unary(F f) {
        DType t = dt(f);
        Tensor x = randn(10, t, 13, 7);
        for (UnaryOp op : UnaryOp.values()) {
            double s = switch (op) { case POW_SCALAR -> 2.5; case ADD_SCALAR -> 0.75; case MUL_SCALAR -> -1.5; case RDIV_SCALAR -> 2; default -> 0; };
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR || op == UnaryOp.RDIV_SCALAR;
            check("unary " + op + " " + t, in -> {
                Tensor v = in.get(0).transpose(0, 1);
                if (positive) v = v.abs().add(0.1);
                return switch (op) {
                    case NEG -> v.neg(); case EXP -> v.exp(); case LOG -> v.log(); case SQRT -> v.sqrt(); case ABS -> v.abs();
                    case RELU -> v.relu(); case SIGMOID -> v.sigmoid(); case TANH -> v.tanh(); case POW_SCALAR -> v.pow(s);
                    case ADD_SCALAR -> v.add(s); case MUL_SCALAR -> v.mul(s); case RDIV_SCALAR -> v.rdiv(s);
                    case SIGN -> v.backend().unary(UnaryOp.SIGN, v, 0);
                };
            }, true, false, x);
        }
        check("unary pow2 " + t, in -> in.get(0).pow(2.0), true, false, x);
        check("unary int64 neg/abs/add/mul", in -> new Tensor[] {in.get(0).neg(), in.get(0).abs(), in.get(0).add(3), in.get(0).mul(-2)},
                false, true, randn(11, DType.FLOAT64, 17).mul(100).to(DType.INT64));
    }

    @ParameterizedTest @EnumSource(F.class) public void binaryAndWhere(F f) {
        DType t = dt(f);
        Tensor a = randn(20, t, 5, 1, 7), b = randn(21, t, 3, 1), c = ties(22, t, 5, 3, 7);
        check("binary add/sub/mul/div broadcast " + t, in -> new Tensor[] {in.get(0).add(in.get(1)), in.get(0).sub(in.get(1)),
                in.get(0).mul(in.get(1)), in.get(0).div(in.get(1))}, true, false, a, b);
        check("binary pow " + t, in -> in.get(0).abs().add(0.5).pow(in.get(1)), true, false, a, b);
        check("binary max/min with ties " + t, in -> new Tensor[] {in.get(0).maximum(in.get(1).transpose(0, 2)),
                in.get(0).minimum(in.get(1).transpose(0, 2))}, true, false, c, ties(23, t, 7, 3, 5));
        check("binary comparisons " + t, in -> new Tensor[] {in.get(0).eq(in.get(1)), in.get(0).ne(in.get(1)), in.get(0).lt(in.get(1)),
                in.get(0).le(in.get(1)), in.get(0).gt(in.get(1)), in.get(0).ge(in.get(1))}, false, true, c, ties(24, t, 3, 7));
        check("where " + t, in -> Tensor.where(in.get(0).gt(in.get(1)), in.get(0), in.get(1).mul(2)), true, false, a, b);
        check("masked fill " + t, in -> in.get(0).maskedFill(in.get(0).gt(0.0), -1), true, false, c);
        check("prelu " + t, in -> in.get(0).prelu(in.get(1)), true, false, randn(25, t, 2, 3, 4), randn(26, t, 3));
        Tensor ia = randn(27, DType.FLOAT64, 4, 9).mul(50).to(DType.INT64), ib = randn(28, DType.FLOAT64, 9).mul(7).add(0.5).to(DType.INT64);
        check("binary int64 (floor div) " + t, in -> new Tensor[] {in.get(0).add(in.get(1)), in.get(0).mul(in.get(1)),
                in.get(0).div(in.get(1).abs().add(1)), in.get(0).div(in.get(1).abs().add(1).neg()), in.get(0).maximum(in.get(1)),
                in.get(0).lt(in.get(1))}, false, true, ia, ib);
    }

    @ParameterizedTest @EnumSource(F.class) public void reductions(F f) {
        DType t = dt(f);
        Tensor x = randn(30, t, 6, 5, 7), tx = ties(31, t, 6, 5, 7);
        check("sum/mean " + t, in -> {
            Tensor v = in.get(0).permute(2, 0, 1);
            return new Tensor[] {v.sum(), v.sum(0, false), v.sum(new int[] {1, 2}, true), v.mean(2, false), v.mean()};
        }, true, false, x);
        for (int d = 0; d < 3; d++) {
            int dim = d;
            check("max/min/argmax/argmin ties " + t, in -> {
                Tensor v = in.get(0).transpose(0, 2);
                Tensor[] mx = v.max(dim, false), mn = v.min(dim, true);
                return new Tensor[] {mx[0], mx[1], mn[0], mn[1], v.argmax(dim, false), v.argmin(dim, true)};
            }, true, false, tx);
        }
        check("max/min all " + t, in -> new Tensor[] {in.get(0).max(), in.get(0).min()}, true, false, x);
        check("max int64 and float16 storage", in -> new Tensor[] {in.get(0).max(1, false)[0], in.get(0).max(1, false)[1],
                in.get(1).max(0, true)[0], in.get(1).argmin(1, false)}, false, true,
                randn(32, DType.FLOAT64, 4, 9).mul(100).to(DType.INT64), randn(33, DType.FLOAT32, 4, 9).to(DType.FLOAT16));
        check("sum int64", in -> in.get(0).sum(0, false), false, true, randn(34, DType.FLOAT64, 5, 3).mul(100).to(DType.INT64));
        check("softmax/log_softmax " + t, in -> new Tensor[] {in.get(0).softmax(1), in.get(0).logSoftmax(-1), in.get(0).transpose(0, 2).softmax(0)},
                true, false, x.mul(3));
    }

    @ParameterizedTest @EnumSource(F.class) public void matmul(F f) {
        DType t = dt(f);
        check("matmul batched odd " + t, in -> in.get(0).matmul(in.get(1)), true, false, randn(40, t, 3, 17, 33), randn(41, t, 3, 33, 19));
        check("matmul transposed operands " + t, in -> in.get(0).transpose(1, 2).matmul(in.get(1).transpose(1, 2)), true, false,
                randn(42, t, 2, 35, 18), randn(43, t, 2, 21, 35));
        check("matmul broadcast batch " + t, in -> in.get(0).matmul(in.get(1)), true, false, randn(44, t, 1, 5, 7), randn(45, t, 4, 1, 7, 6));
        check("matmul vector/matrix " + t, in -> new Tensor[] {in.get(0).matmul(in.get(1)), in.get(1).transpose(0, 1).matmul(in.get(0))}, true,
                false, randn(46, t, 40), randn(47, t, 40, 3));
        check("matmul large " + t, in -> in.get(0).matmul(in.get(1)), false, false, randn(48, t, 130, 257), randn(49, t, 257, 70));
    }

    @ParameterizedTest @EnumSource(F.class) public void conv2d(F f) {
        DType t = dt(f);
        Object[][] cases = {
            {Conv2dParams.of(1, 1, 1, 1), new int[] {2, 4, 9, 7}, new int[] {6, 4, 3, 3}, true},
            {Conv2dParams.of(2, 2, 2, 2), new int[] {2, 4, 11, 10}, new int[] {6, 2, 3, 3}, false},
            {Conv2dParams.of(1, 0, 1, 1), new int[] {3, 5, 6, 7}, new int[] {4, 5, 1, 1}, true},
            {Conv2dParams.of(1, 1, 1, 4), new int[] {2, 4, 8, 8}, new int[] {4, 1, 3, 3}, true},
            {new Conv2dParams(2, 1, 1, 0, 1, 2, 1), new int[] {1, 3, 10, 9}, new int[] {5, 3, 5, 3}, true},
            {Conv2dParams.of(2, 0, 1, 1), new int[] {2, 3, 8, 8}, new int[] {4, 3, 1, 1}, false},
        };
        int seed = 50;
        for (Object[] c : cases) {
            Conv2dParams p = (Conv2dParams) c[0];
            boolean bias = (Boolean) c[3];
            int[] ws = (int[]) c[2];
            Tensor x = randn(seed++, t, (int[]) c[1]), w = randn(seed++, t, ws), b = randn(seed++, t, ws[0]);
            check("conv2d " + p + " " + t, in -> in.get(0).conv2d(in.get(1), bias ? in.get(2) : null, p), true, false, x, w, b);
        }
        check("conv2d on a permuted input " + t, in -> in.get(0).permute(0, 3, 1, 2).conv2d(in.get(1), null, Conv2dParams.of(1, 1, 1, 1)),
                true, false, randn(70, t, 2, 6, 5, 3), randn(71, t, 4, 3, 3, 3));
        // the fused inference convolution (the device's default composes conv2d, add and relu)
        check("conv2dFused " + t, in -> in.get(0).conv2dFused(in.get(1), in.get(2), in.get(3), true, Conv2dParams.of(1, 1, 1, 1)),
                false, false, randn(73, t, 2, 4, 9, 7), randn(74, t, 6, 4, 3, 3), randn(75, t, 6), randn(76, t, 2, 6, 9, 7));
        // ... with batch norm's affine and a strided residual, as unfolded models run it
        check("conv2dFused with scale and shift " + t, in -> in.get(0).conv2dFused(in.get(1), in.get(2), in.get(3), in.get(4),
                        in.get(5).permute(0, 3, 2, 1), true, Conv2dParams.of(1, 1, 1, 1)),
                false, false, randn(77, t, 2, 4, 9, 7), randn(78, t, 6, 4, 3, 3), randn(79, t, 6), randn(80, t, 6), randn(81, t, 6),
                randn(82, t, 2, 7, 9, 6));
        check("unfold " + t, in -> Sampling.unfold(in.get(0), 3, 2, new Conv2dParams(2, 1, 1, 1, 1, 2, 1)), false, true, randn(72, t, 2, 3, 7, 8));
    }

    /**
     * On the device itself, the fused inference convolution has the bits of the ops it stands for (conv2d, then
     * * scale + shift, + residual, ReLU), whichever parts are present: a backend that fuses them must round as they do.
     */
    @ParameterizedTest @EnumSource(F.class) public void conv2dFusedHasTheComposedOpsBits(F f) {
        DType t = dt(f);
        Device d = conformance().device();
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        // bias, scale and shift are views that start inside their buffers (as slices of a larger tensor would)
        Tensor x = randn(90, t, 2, 4, 9, 7).to(d), w = randn(91, t, 6, 4, 3, 3).to(d), b = randn(92, t, 9).to(d).narrow(0, 3, 6);
        Tensor scale = randn(93, t, 8).to(d).narrow(0, 1, 6), shift = randn(94, t, 2, 6).to(d).select(0, 1);
        Tensor res = randn(95, t, 2, 7, 9, 6).to(d).permute(0, 3, 2, 1);
        try (var g = GradMode.noGrad()) {
            for (int mask = 0; mask < 16; mask++) {
                Tensor bias = (mask & 1) != 0 ? b : null, r = (mask & 2) != 0 ? res : null;
                boolean affine = (mask & 4) != 0, relu = (mask & 8) != 0;
                Tensor want = x.conv2d(w, bias, p);
                if (affine) want = want.mul(scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1));
                if (r != null) want = want.add(r);
                if (relu) want = want.relu();
                Tensor got = x.conv2dFused(w, bias, affine ? scale : null, affine ? shift : null, r, relu, p);
                conformance().compare(t + " bias=" + (bias != null) + " residual=" + (r != null) + " affine=" + affine + " relu=" + relu, want, got, true);
            }
        }
    }

    /**
     * Batch norm's eval {scale, shift} on the device: as the CPU computes it, and bit for bit as the device's own separate
     * ops (an exact comparison: assertArrayEquals compares doubles by their bits).
     */
    @ParameterizedTest @EnumSource(F.class) public void batchNormEvalAffine(F f) {
        DType t = dt(f);
        Tensor mean = randn(100, t, 19), var = randn(101, t, 19).abs(), weight = randn(102, t, 19), bias = randn(103, t, 19);
        check("batchNormEvalAffine " + t, in -> in.get(0).backend().batchNormEvalAffine(in.get(0), in.get(1), in.get(2), in.get(3), 1e-5),
                false, false, mean, var, weight, bias);
        Device d = conformance().device();
        // views that start inside their buffers, and a strided one
        Tensor m = mean.to(d), v = Tensor.cat(List.of(var, var), 0).to(d).narrow(0, 19, 19), w = weight.to(d), b = Tensor.stack(List.of(bias, bias), 1).to(d).select(1, 1);
        for (int mask = 0; mask < 4; mask++) {
            Tensor wt = (mask & 1) != 0 ? w : null, bs = (mask & 2) != 0 ? b : null;
            Tensor scale = v.add(1e-5).sqrt().rdiv(1.0);
            if (wt != null) scale = scale.mul(wt);
            Tensor shift = m.mul(scale).neg();
            if (bs != null) shift = shift.add(bs);
            Tensor[] got = m.backend().batchNormEvalAffine(m, v, wt, bs, 1e-5);
            conformance().compare(t + " scale, weight=" + (wt != null) + " bias=" + (bs != null), scale, got[0], true);
            conformance().compare(t + " shift, weight=" + (wt != null) + " bias=" + (bs != null), shift, got[1], true);
        }
    }

    @ParameterizedTest @EnumSource(F.class) public void pooling(F f) {
        DType t = dt(f);
        Tensor x = randn(80, t, 2, 3, 9, 11), tx = ties(81, t, 2, 3, 8, 8);
        Pool2dParams[] ps = {Pool2dParams.of(2, 2, 0), new Pool2dParams(3, 3, 2, 2, 1, 1, true, true), new Pool2dParams(3, 2, 2, 1, 1, 0, false, false),
            new Pool2dParams(3, 3, 2, 2, 1, 1, true, false)};
        for (Pool2dParams p : ps) {
            check("max_pool2d " + p + " " + t, in -> in.get(0).maxPool2d(p), true, false, x);
            check("avg_pool2d " + p + " " + t, in -> in.get(0).avgPool2d(p), true, false, x);
        }
        check("max_pool2d ties " + t, in -> in.get(0).transpose(2, 3).maxPool2d(Pool2dParams.of(3, 2, 1)), true, false, tx);
        check("adaptive_avg_pool2d " + t, in -> new Tensor[] {in.get(0).adaptiveAvgPool2d(4, 3), in.get(0).adaptiveAvgPool2d(1, 1),
                in.get(0).adaptiveAvgPool2d(9, 11)}, true, false, x);
    }

    @ParameterizedTest @EnumSource(F.class) public void indexing(F f) {
        DType t = dt(f);
        Tensor x = randn(90, t, 5, 6, 4);
        long[] iv = new long[3 * 6 * 4];
        SplittableRandom r = new SplittableRandom(91);
        for (int i = 0; i < iv.length; i++) iv[i] = r.nextInt(5);
        Tensor idx = Tensor.fromArray(iv, 3, 6, 4);
        check("gather dim0 " + t, in -> in.get(0).gather(0, idx), true, false, x);
        long[] iv2 = new long[5 * 3 * 4];
        for (int i = 0; i < iv2.length; i++) iv2[i] = r.nextInt(6);
        Tensor idx2 = Tensor.fromArray(iv2, 5, 3, 4);
        check("gather dim1 strided " + t, in -> in.get(0).transpose(0, 2).transpose(0, 2).narrow(2, 0, 4).gather(1, idx2), true, false, x);
        check("scatter/scatter_add duplicates " + t, in -> new Tensor[] {in.get(0).scatter(0, idx, in.get(1)), in.get(0).scatterAdd(0, idx, in.get(1)),
                in.get(0).scatterAdd(1, idx2, in.get(2).transpose(0, 1))}, true, false, x, randn(92, t, 4, 7, 5), randn(93, t, 3, 5, 4));
        check("index_select " + t, in -> in.get(0).indexSelect(1, Tensor.fromArray(new long[] {5, 0, 0, 3}, 4)), true, false, x);
        check("masked_select " + t, in -> in.get(0).transpose(0, 1).maskedSelect(in.get(0).transpose(0, 1).gt(0.3)), true, false, x);
        check("cat/stack/split " + t, in -> new Tensor[] {Tensor.cat(List.of(in.get(0), in.get(1).transpose(0, 1)), 1),
                Tensor.stack(List.of(in.get(0), in.get(0).mul(2)), 2), in.get(0).split(new int[] {1, 2}, 0).get(1).clone()}, true, false,
                randn(94, t, 3, 4), randn(95, t, 5, 3));
        check("gather int64 exact", in -> in.get(0).gather(0, idx), false, true, randn(96, DType.FLOAT64, 5, 6, 4).mul(1e6).to(DType.INT64));
    }

    /** Stable reference: indices sorted by value (NaN largest), ties in index order. */
    static long[] refArgsort(double[] v, boolean desc) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(v[a] == 0 ? 0.0 : v[a], v[b] == 0 ? 0.0 : v[b]);
            return desc ? -c : c;
        });
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = order[i];
        return r;
    }

    @ParameterizedTest @EnumSource(F.class) public void sortTopkMedian(F f) {
        DType t = dt(f);
        Tensor x = ties(100, t, 7, 40);
        Tensor cx = x.to(conformance().device());
        for (boolean desc : new boolean[] {false, true}) {
            Tensor[] s = cx.sort(1, desc);
            double[] xv = x.toDoubleArray(), sv = s[0].toDoubleArray();
            long[] si = s[1].toLongArray();
            for (int row = 0; row < 7; row++) {
                double[] line = java.util.Arrays.copyOfRange(xv, row * 40, row * 40 + 40);
                long[] ref = refArgsort(line, desc);
                assertArrayEquals(ref, java.util.Arrays.copyOfRange(si, row * 40, row * 40 + 40), "sort indices row " + row + " desc " + desc);
                for (int k = 0; k < 40; k++) org.junit.jupiter.api.Assertions.assertEquals(line[(int) ref[k]], sv[row * 40 + k]);
            }
        }
        // sort along dim 0 of a transposed view; topk and median agree with the sort
        Tensor[] s0 = cx.transpose(0, 1).sort(0, false);
        Tensor[] s1 = cx.sort(1, false);
        assertArrayEquals(s1[1].toLongArray(), s0[1].transpose(0, 1).contiguous().toLongArray(), "sort along dim 0 of a transposed view");
        Tensor[] top = cx.topk(5, 1, true), bottom = cx.topk(4, 1, false), med = cx.median(1, false);
        Tensor[] sd = cx.sort(1, true);
        assertArrayEquals(sd[1].narrow(1, 0, 5).contiguous().toLongArray(), top[1].toLongArray(), "topk largest");
        assertArrayEquals(s1[1].narrow(1, 0, 4).contiguous().toLongArray(), bottom[1].toLongArray(), "topk smallest");
        assertArrayEquals(s1[1].narrow(1, 19, 1).contiguous().reshape(7).toLongArray(), med[1].toLongArray(), "median (lower)");
        // NaN sorts last ascending
        Tensor nan = Tensor.fromArray(new float[] {3, Float.NaN, 1, 3, -2}, 5).to(conformance().device());
        assertArrayEquals(new long[] {4, 2, 0, 3, 1}, nan.sort(0, false)[1].toLongArray());
        assertArrayEquals(new long[] {1, 0, 3, 2, 4}, nan.sort(0, true)[1].toLongArray());
        // gradient through sort/topk lands on the picked positions
        Tensor leaf = x.to(conformance().device()).detach().requiresGrad(true);
        leaf.topk(3, 1, true)[0].sum().backward();
        Tensor cpuLeaf = x.detach().requiresGrad(true);
        cpuLeaf.gather(1, top[1].narrow(1, 0, 3).to(org.magnet4j.tensor.Device.CPU).contiguous()).sum().backward();
        assertArrayEquals(cpuLeaf.grad().toDoubleArray(), leaf.grad().toDoubleArray(), 0.0, "topk backward");
    }

    @ParameterizedTest @EnumSource(F.class) public void sortAgainstCpu(F f) {
        DType t = dt(f);
        Tensor x = ties(120, t, 6, 33, 5);
        Tensor withNan = Tensor.where(randn(121, DType.FLOAT32, 6, 33, 5).gt(1.6), x.scalarLike(Double.NaN), x);
        for (int d = 0; d < 3; d++) {
            int dim = d;
            check("sort asc/desc ties+NaN " + t, in -> {
                Tensor v = in.get(0).transpose(0, 2);
                Tensor[] a = v.sort(dim, false), b = v.sort(dim, true);
                return new Tensor[] {a[0], a[1], b[0], b[1]};
            }, true, true, withNan);
            check("topk/median ties " + t, in -> {
                Tensor v = in.get(0).permute(1, 2, 0);
                Tensor[] a = v.topk(3, dim, true), b = v.topk(2, dim, false), m = v.median(dim, false);
                return new Tensor[] {a[0], a[1], b[0], b[1], m[0], m[1]};
            }, true, true, x);
        }
        check("median with NaN " + t, in -> in.get(0).median(1, true), false, true, withNan);
        check("sort int64", in -> in.get(0).sort(1, true), false, true, randn(122, DType.FLOAT64, 4, 50).mul(3).to(DType.INT64));
    }

    @ParameterizedTest @EnumSource(F.class) public void sampling(F f) {
        DType t = dt(f);
        Tensor x = randn(130, t, 2, 3, 7, 9);
        for (InterpMode mode : InterpMode.values())
            for (boolean ac : new boolean[] {false, true}) {
                check("interpolate " + mode + " ac=" + ac + " " + t, in -> new Tensor[] {
                    Sampling.interpolate(in.get(0), 13, 20, mode, ac), Sampling.interpolate(in.get(0).transpose(2, 3), 5, 4, mode, ac),
                    Sampling.interpolate(in.get(0), 14, 9, mode, ac), Sampling.interpolateScale(in.get(0), 1.5, 0.5, mode, ac)}, true, false, x);
            }
        Tensor grid = Tensor.rand(new java.util.SplittableRandom(131), 2, 5, 6, 2).mul(2.4).sub(1.2).to(t);
        for (boolean ac : new boolean[] {false, true})
            check("grid_sample ac=" + ac + " " + t, in -> Sampling.gridSample(in.get(0), in.get(1), ac), true, false, x, grid);
        Tensor boxes = Tensor.fromArray(new double[] {0, 0.5, 1.0, 6.2, 5.5, 1, 2.0, 0.0, 8.5, 6.9, 0, -1.5, 3.0, 4.0, 9.0, 1, 3.0, 3.0, 3.2, 3.1}, 4, 5).to(t);
        for (boolean aligned : new boolean[] {false, true})
            for (int ratio : new int[] {0, 2})
                check("roi_align aligned=" + aligned + " ratio=" + ratio + " " + t,
                        in -> Sampling.roiAlign(in.get(0), in.get(1), 3, 4, 0.8, ratio, aligned), true, false, x, boxes);
    }

    @ParameterizedTest @EnumSource(F.class) public void networkForwardBackward(F f) {
        DType t = dt(f);
        check("small network (conv, relu, pools, matmul, softmax, mean) " + t, in -> {
            Tensor h = in.get(0).conv2d(in.get(1), in.get(2), Conv2dParams.of(1, 1, 1, 1)).relu();
            h = h.maxPool2d(Pool2dParams.of(2, 2, 0)).adaptiveAvgPool2d(2, 2).reshape(2, -1);
            Tensor logits = h.matmul(in.get(3));
            return logits.logSoftmax(1).mean();
        }, true, false, randn(110, t, 2, 3, 12, 10), randn(111, t, 5, 3, 3, 3), randn(112, t, 5), randn(113, t, 20, 4));
    }
}
