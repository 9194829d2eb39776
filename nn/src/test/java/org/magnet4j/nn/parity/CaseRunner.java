package org.magnet4j.nn.parity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.Parameter;
import org.magnet4j.nn.functional.F;
import org.magnet4j.nn.functional.MedianBlur;
import org.magnet4j.nn.loss.CrossEntropy;
import org.magnet4j.nn.loss.OhemCrossEntropyLoss;
import org.magnet4j.nn.loss.Reduction;
import org.magnet4j.nn.optim.MultiStepLR;
import org.magnet4j.nn.optim.SGD;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * Runs one parity case through the engine's public API: loads the inputs, marks the grad inputs, maps the
 * case's op and args (parity/README.md) to the engine call and returns the outputs in the case's order.
 */
final class CaseRunner {
    private CaseRunner() {}

    /** Thrown for a case the harness cannot express with the engine's API (an arg value the engine lacks). */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) { super(message); }
    }

    /** The inputs as run, the leaves whose .grad() is each grad input's gradient, and the outputs. */
    record Run(List<Tensor> inputs, Map<String, Tensor> gradLeaves, List<Tensor> outputs) {}

    static Run run(ParityCase c) throws IOException {
        List<Tensor> in = new ArrayList<>();
        Map<String, Tensor> leaves = new HashMap<>();
        for (String name : c.inputs()) {
            Tensor t = c.tensor(name);
            if (c.gradInputs().contains(name) && t.dtype().isFloating()) {
                t.requiresGrad(true);
                leaves.put(name, t);
            }
            in.add(t);
        }
        List<Tensor> out = dispatch(c, in, leaves);
        return new Run(in, leaves, out);
    }

    private static int[] allDims(Tensor x) {
        int[] d = new int[x.dim()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    private static List<Tensor> dispatch(ParityCase c, List<Tensor> in, Map<String, Tensor> leaves) {
        Tensor x = in.isEmpty() ? null : in.get(0);
        return switch (c.op()) {
            case "add" -> List.of(x.add(in.get(1)));
            case "sub" -> List.of(x.sub(in.get(1)));
            case "mul" -> List.of(x.mul(in.get(1)));
            case "div" -> List.of(x.div(in.get(1)));
            case "maximum" -> List.of(x.maximum(in.get(1)));
            case "minimum" -> List.of(x.minimum(in.get(1)));
            case "pow" -> List.of(c.isNull("exponent") ? x.pow(in.get(1)) : x.pow(c.doubleArg("exponent")));
            case "exp" -> List.of(x.exp());
            case "log" -> List.of(x.log());
            case "sqrt" -> List.of(x.sqrt());
            case "abs" -> List.of(x.abs());
            case "relu" -> List.of(x.relu());
            case "sigmoid" -> List.of(x.sigmoid());
            case "tanh" -> List.of(x.tanh());
            case "neg" -> List.of(x.neg());
            case "prelu" -> List.of(x.prelu(in.get(1)));
            case "eq" -> List.of(x.eq(in.get(1)));
            case "ne" -> List.of(x.ne(in.get(1)));
            case "lt" -> List.of(x.lt(in.get(1)));
            case "le" -> List.of(x.le(in.get(1)));
            case "gt" -> List.of(x.gt(in.get(1)));
            case "ge" -> List.of(x.ge(in.get(1)));
            case "where" -> List.of(Tensor.where(x, in.get(1), in.get(2)));
            case "sum" -> List.of(x.sum(c.isNull("dims") ? allDims(x) : c.intsArg("dims"), c.boolArg("keepdim")));
            case "mean" -> List.of(x.mean(c.isNull("dims") ? allDims(x) : c.intsArg("dims"), c.boolArg("keepdim")));
            case "max_dim" -> List.of(x.max(c.intArg("dim"), c.boolArg("keepdim")));
            case "min_dim" -> List.of(x.min(c.intArg("dim"), c.boolArg("keepdim")));
            case "argmax", "argmin" -> {
                boolean max = c.op().equals("argmax");
                if (c.isNull("dim")) {
                    // torch.argmax(x) without dim: the index into the flattened tensor, 0-d (keepdim: all ones).
                    Tensor flat = x.reshape(-1);
                    Tensor r = max ? flat.argmax(0, false) : flat.argmin(0, false);
                    int[] shape = new int[c.boolArg("keepdim", false) ? x.dim() : 0];
                    java.util.Arrays.fill(shape, 1);
                    yield List.of(r.reshape(shape));
                }
                yield List.of(max ? x.argmax(c.intArg("dim"), c.boolArg("keepdim")) : x.argmin(c.intArg("dim"), c.boolArg("keepdim")));
            }
            case "softmax" -> List.of(x.softmax(c.intArg("dim")));
            case "log_softmax" -> List.of(x.logSoftmax(c.intArg("dim")));
            case "matmul" -> List.of(x.matmul(in.get(1)));
            case "conv2d" -> {
                int[] s = c.intsArg("stride"), p = c.intsArg("padding"), d = c.intsArg("dilation");
                Tensor bias = c.boolArg("bias") ? in.get(2) : null;
                yield List.of(x.conv2d(in.get(1), bias, new Conv2dParams(s[0], s[1], p[0], p[1], d[0], d[1], c.intArg("groups"))));
            }
            case "batch_norm" -> batchNorm(c, in);
            case "max_pool2d" -> {
                if (!c.isNull("dilation") && (c.intsArg("dilation")[0] != 1 || c.intsArg("dilation")[1] != 1))
                    throw new Unsupported("max_pool2d with dilation " + java.util.Arrays.toString(c.intsArg("dilation")) + ": Pool2dParams has no dilation");
                Pool2dParams p = pool(c, true);
                Tensor values = x.maxPool2d(p);
                Tensor indices;
                // Tensor.maxPool2d returns the values only; the flat in-plane indices come from the backend call it makes.
                try (var g = GradMode.noGrad()) {
                    indices = x.backend().maxPool2d(x.detach(), p)[1];
                }
                yield List.of(values, indices);
            }
            case "avg_pool2d" -> {
                if (!c.isNull("divisor_override")) throw new Unsupported("avg_pool2d with divisor_override: Pool2dParams has none");
                yield List.of(x.avgPool2d(pool(c, c.boolArg("count_include_pad"))));
            }
            case "adaptive_avg_pool2d" -> {
                int[] o = c.intsArg("output_size");
                yield List.of(x.adaptiveAvgPool2d(o[0], o.length > 1 ? o[1] : o[0]));
            }
            case "cat" -> List.of(Tensor.cat(in, c.intArg("dim")));
            case "stack" -> List.of(Tensor.stack(in, c.intArg("dim")));
            case "split" -> {
                int dim = c.intArg("dim");
                int size = x.size(dim);
                int[] sizes;
                if (c.args().get("split_size_or_sections").isJsonPrimitive()) {
                    int s = c.intArg("split_size_or_sections");
                    sizes = new int[(size + s - 1) / s];
                    for (int i = 0; i < sizes.length; i++) sizes[i] = Math.min(s, size - i * s);
                } else sizes = c.intsArg("split_size_or_sections");
                yield x.split(sizes, dim);
            }
            case "gather" -> List.of(x.gather(c.intArg("dim"), in.get(1)));
            case "scatter" -> List.of(x.scatter(c.intArg("dim"), in.get(1), in.get(2)));
            case "scatter_add" -> List.of(x.scatterAdd(c.intArg("dim"), in.get(1), in.get(2)));
            case "index_select" -> List.of(x.indexSelect(c.intArg("dim"), in.get(1)));
            case "masked_select" -> List.of(x.maskedSelect(in.get(1)));
            case "sort" -> {
                stableOnly(c);
                yield List.of(x.sort(c.intArg("dim"), c.boolArg("descending")));
            }
            case "argsort" -> {
                stableOnly(c);
                yield List.of(x.argsort(c.intArg("dim"), c.boolArg("descending")));
            }
            case "topk" -> {
                if (!c.boolArg("sorted", true)) throw new Unsupported("topk with sorted=False");
                yield List.of(x.topk(c.intArg("k"), c.intArg("dim"), c.boolArg("largest")));
            }
            case "median_dim" -> List.of(x.median(c.intArg("dim"), c.boolArg("keepdim")));
            case "interpolate" -> {
                InterpMode mode = switch (c.stringArg("mode")) {
                    case "nearest" -> InterpMode.NEAREST;
                    case "bilinear" -> InterpMode.BILINEAR;
                    default -> throw new Unsupported("interpolate mode " + c.stringArg("mode"));
                };
                if (c.boolArg("recompute_scale_factor", false)) throw new Unsupported("interpolate with recompute_scale_factor=True");
                boolean ac = c.boolArg("align_corners", false);
                if (!c.isNull("size")) {
                    int[] s = c.intsArg("size");
                    yield List.of(Sampling.interpolate(x, s[0], s.length > 1 ? s[1] : s[0], mode, ac));
                }
                double[] s = c.doublesArg("scale_factor");
                yield List.of(Sampling.interpolateScale(x, s[0], s[1], mode, ac));
            }
            case "grid_sample" -> {
                if (!c.stringArg("mode").equals("bilinear") || !c.stringArg("padding_mode").equals("zeros"))
                    throw new Unsupported("grid_sample mode " + c.stringArg("mode") + ", padding " + c.stringArg("padding_mode") + ": only bilinear/zeros exist");
                yield List.of(Sampling.gridSample(x, in.get(1), c.boolArg("align_corners")));
            }
            case "roi_align" -> {
                int[] o = c.intsArg("output_size");
                yield List.of(Sampling.roiAlign(x, in.get(1), o[0], o.length > 1 ? o[1] : o[0], c.doubleArg("spatial_scale"),
                        c.intArg("sampling_ratio"), c.boolArg("aligned")));
            }
            case "median_blur" -> List.of(MedianBlur.medianBlur(x, c.intArg("kernel_size")));
            case "cross_entropy" -> {
                Reduction r = Reduction.valueOf(c.stringArg("reduction").toUpperCase(java.util.Locale.ROOT));
                yield List.of(CrossEntropy.crossEntropy(x, in.get(1), c.intArg("ignore_index"), r));
            }
            case "ohem_cross_entropy" ->
                    List.of(new OhemCrossEntropyLoss(c.intArg("ignore_index"), c.doubleArg("thresh"), c.intArg("min_kept")).forward(x, in.get(1)));
            case "sgd" -> sgd(c, in);
            case "multistep_lr" -> multiStepLr(c);
            default -> throw new Unsupported("op '" + c.op() + "' is not known to the harness");
        };
    }

    private static void stableOnly(ParityCase c) {
        if (!c.boolArg("stable", true)) throw new Unsupported(c.op() + " with stable=False (the engine's sort is always stable)");
    }

    private static Pool2dParams pool(ParityCase c, boolean countIncludePad) {
        int[] k = c.intsArg("kernel_size");
        int[] s = c.isNull("stride") ? k : c.intsArg("stride");
        int[] p = c.intsArg("padding");
        return new Pool2dParams(k[0], k[k.length - 1], s[0], s[s.length - 1], p[0], p[p.length - 1], c.boolArg("ceil_mode"), countIncludePad);
    }

    /** Holds parameters and buffers the way the layers do (Parameter's constructor is package-private to nn). */
    private static final class Slots extends Module {
        Parameter param(String name, Tensor v) { return parameter(name, v); }

        Parameter buf(String name, Tensor v) { return buffer(name, v); }
    }

    /** F.batchNormTrain + F.updateRunningStats (as BatchNorm2d in training), or F.batchNormEval. */
    private static List<Tensor> batchNorm(ParityCase c, List<Tensor> in) {
        Tensor x = in.get(0), w = in.get(1), b = in.get(2), rm = in.get(3), rv = in.get(4);
        double eps = c.doubleArg("eps");
        if (!c.boolArg("training"))
            return List.of(F.batchNormEval(x, rm, rv, w, b, eps), rm.detach(), rv.detach());
        Slots s = new Slots();
        Parameter runningMean = s.buf("running_mean", rm), runningVar = s.buf("running_var", rv);
        F.BatchNormResult r = F.batchNormTrain(x, w, b, eps);
        F.updateRunningStats(runningMean, runningVar, r, c.doubleArg("momentum"));
        return List.of(r.output(), runningMean.value(), runningVar.value());
    }

    /** steps SGD updates of in0 with the gradients in1[s]; out<s> = the parameter after step s+1. */
    private static List<Tensor> sgd(ParityCase c, List<Tensor> in) {
        Slots s = new Slots();
        Parameter p = s.param("p", in.get(0));
        SGD opt = new SGD(List.of(p), c.doubleArg("lr"), c.doubleArg("momentum"), c.doubleArg("weight_decay"),
                c.doubleArg("dampening"), c.boolArg("nesterov"));
        int steps = c.intArg("steps");
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            p.value().setGrad(in.get(1).select(0, i).contiguous());
            opt.step();
            out.add(p.value().detach());
        }
        return out;
    }

    /** The learning rate the optimiser holds during each epoch, stepping the scheduler after each. */
    private static List<Tensor> multiStepLr(ParityCase c) {
        Slots s = new Slots();
        SGD opt = new SGD(List.of(s.param("p", Tensor.zeros(1))), c.doubleArg("lr"), 0, 0);
        MultiStepLR sched = new MultiStepLR(opt, c.intsArg("milestones"), c.doubleArg("gamma"));
        int epochs = c.intArg("epochs");
        double[] lrs = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            lrs[e] = opt.lr();
            sched.step();
        }
        return List.of(Tensor.fromArray(lrs, epochs));
    }
}
