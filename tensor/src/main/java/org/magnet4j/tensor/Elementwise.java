package org.magnet4j.tensor;

/** Broadcasting elementwise ops with dtype promotion, and their backward rules. */
final class Elementwise {
    private Elementwise() {}

    /** PyTorch-like promotion: any float beats ints/bool; wider wins. Half types compute in float32. */
    static DType promote(DType a, DType b) {
        if (a == b) return a.isFloating() && !a.isComputeFloat() ? DType.FLOAT32 : a;
        if (a == DType.FLOAT64 || b == DType.FLOAT64) return DType.FLOAT64;
        if (a.isFloating() || b.isFloating()) return DType.FLOAT32;
        if (a == DType.INT64 || b == DType.INT64) return DType.INT64;
        if (a == DType.INT32 || b == DType.INT32) return DType.INT32;
        return DType.UINT8;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        if (!a.device().equals(b.device())) {
            // a one-element CPU tensor (a scalar, e.g. nn's "+ 1" counters) joins the other operand's device, as in PyTorch
            if (b.device().isCpu() && b.numel() == 1) b = b.to(a.device());
            else if (a.device().isCpu() && a.numel() == 1) a = a.to(b.device());
        }
        if (!a.device().equals(b.device()))
            throw new TensorException(name + ": tensors on different devices, " + a.device() + " " + a.describe() + " and " + b.device() + " " + b.describe());
        int[] shape = Shapes.broadcast(name, a.shapeRef(), b.shapeRef());
        DType dt = promote(a.dtype(), b.dtype());
        Tensor ea = a.to(dt).expand(shape), eb = b.to(dt).expand(shape);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = a.backend().binary(op, ea, eb);
        }
        if (op.isComparison() || !dt.isFloating()) return out;
        return Autograd.record(out, name, gradOf(op, ea, eb, out, a, b), a, b);
    }

    private static GradNode.Rule gradOf(BinaryOp op, Tensor ea, Tensor eb, Tensor out, Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        return g -> {
            Tensor ga, gb;
            switch (op) {
                case ADD -> { ga = g; gb = g; }
                case SUB -> { ga = g; gb = g.neg(); }
                case MUL -> { ga = g.mul(eb); gb = g.mul(ea); }
                case DIV -> { ga = g.div(eb); gb = g.mul(out).div(eb).neg(); }
                case POW -> {
                    ga = g.mul(eb).mul(ea.pow(eb.sub(1.0)));
                    // d/db a^b = a^b log a; defined as 0 where a == 0 (as PyTorch's masked rule)
                    Tensor loga = where(ea.gt(0.0), ea.log(), ea.scalarLike(0));
                    gb = b.requiresGrad() ? g.mul(out).mul(loga) : null;
                }
                case MAX, MIN -> {
                    // ties split the gradient evenly, as PyTorch's maximum/minimum
                    Tensor win = op == BinaryOp.MAX ? ea.gt(eb) : ea.lt(eb);
                    Tensor tie = ea.eq(eb);
                    Tensor wa = win.to(g.dtype()).add(tie.to(g.dtype()).mul(0.5));
                    ga = g.mul(wa);
                    gb = g.mul(wa.neg().add(1.0));
                }
                default -> throw new IllegalStateException("no gradient for " + op);
            }
            return new Tensor[] {
                ga == null ? null : Reductions.sumToShape(ga, as).to(a.dtype()),
                gb == null ? null : Reductions.sumToShape(gb, bs).to(b.dtype())};
        };
    }

    static Tensor unary(UnaryOp op, Tensor x, double s) {
        String name = op.name().toLowerCase();
        Tensor in = x;
        if (!x.dtype().isComputeFloat()) {
            if (x.dtype().isFloating() || op != UnaryOp.NEG && op != UnaryOp.ABS && op != UnaryOp.ADD_SCALAR && op != UnaryOp.MUL_SCALAR)
                in = x.to(DType.FLOAT32);
        }
        Tensor src = in;
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = x.backend().unary(op, src, s);
        }
        if (!out.dtype().isFloating()) return out;
        return Autograd.record(out, name, g -> new Tensor[] {unaryGrad(op, src, out, s, g)}, in);
    }

    private static Tensor unaryGrad(UnaryOp op, Tensor x, Tensor y, double s, Tensor g) {
        return switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.div(y).mul(0.5);
            case ABS -> g.mul(x.backend().unary(UnaryOp.SIGN, x, 0));
            case RELU -> g.mul(x.gt(0.0).to(g.dtype()));
            case SIGMOID -> g.mul(y).mul(y.neg().add(1.0));
            case TANH -> g.mul(y.mul(y).neg().add(1.0));
            case POW_SCALAR -> g.mul(x.pow(s - 1)).mul(s);
            case ADD_SCALAR -> g;
            case MUL_SCALAR -> g.mul(s);
            case RDIV_SCALAR -> g.mul(y).div(x).neg();
            case SIGN -> g.mul(0.0);
        };
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) throw new TensorException("where: condition must be bool, got " + cond.describe());
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shapeRef(), a.shapeRef()), b.shapeRef());
        DType dt = promote(a.dtype(), b.dtype());
        Tensor ec = cond.expand(shape), ea = a.to(dt).expand(shape), eb = b.to(dt).expand(shape);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = a.backend().where(ec, ea, eb);
        }
        if (!dt.isFloating()) return out;
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(out, "where", g -> {
            Tensor zero = g.scalarLike(0);
            return new Tensor[] {
                Reductions.sumToShape(where(ec, g, zero), as).to(a.dtype()),
                Reductions.sumToShape(where(ec, zero, g), bs).to(b.dtype())};
        }, a, b);
    }

    /** y = x if x > 0 else w * x, with w broadcast over dim 1 (one value or one per channel). */
    static Tensor prelu(Tensor x, Tensor w) {
        if (w.dim() != 1) throw new TensorException("prelu: weight must be 1-D, got " + w.describe() + " for input " + x.describe());
        int n = w.size(0);
        Tensor wb;
        if (n == 1) wb = w;
        else {
            if (x.dim() < 2 || x.size(1) != n)
                throw new TensorException("prelu: " + n + " weights but input " + x.describe() + " has " + (x.dim() < 2 ? "no" : x.size(1) + "") + " channels in dim 1");
            int[] shape = new int[x.dim()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = n;
            wb = w.reshape(shape);
        }
        Tensor pos = x.gt(0.0);
        return where(pos, x, x.mul(wb));
    }
}
