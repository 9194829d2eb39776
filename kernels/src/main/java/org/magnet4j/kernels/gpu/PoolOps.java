package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.Tensor;

/** Max (with int64 indices), average and adaptive average pooling and their backward passes. */
final class PoolOps {
    private final GpuBackend be;

    PoolOps(GpuBackend be) { this.be = be; }

    private static KernelLaunch window(KernelLaunch l, Pool2dParams p) {
        return l.i32(p.kH()).i32(p.kW()).i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW());
    }

    Tensor[] maxPool2d(Tensor x, Pool2dParams p) {
        Tensor xc = be.contig(x);
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = p.outH(h), ow = p.outW(w);
        Tensor out = be.empty(x.dtype(), n, c, oh, ow), idx = be.empty(DType.INT64, n, c, oh, ow);
        window(be.launch("pool", x.dtype(), "max_pool").buf(xc).i32(xc.offset()).buf(out).buf(idx).i32(h).i32(w).i32(oh).i32(ow), p)
                .i32(out.numel()).run(out.numel());
        return new Tensor[] {out, idx};
    }

    Tensor maxPool2dBackward(Tensor gy, Tensor indices, int[] xs) {
        Tensor gc = be.contig(gy), ic = be.contig(be.here(indices));
        Tensor gx = be.zeros(gy.dtype(), xs);
        int planes = xs[0] * xs[1];
        be.launch("pool", gy.dtype(), "max_pool_backward").buf(gc).i32(gc.offset()).buf(ic).i32(ic.offset()).buf(gx)
                .i32(xs[2] * xs[3]).i32(gy.size(2) * gy.size(3)).i32(planes).run(planes);
        return gx;
    }

    Tensor avgPool2d(Tensor x, Pool2dParams p) {
        Tensor xc = be.contig(x);
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = p.outH(h), ow = p.outW(w);
        Tensor out = be.empty(x.dtype(), n, c, oh, ow);
        window(be.launch("pool", x.dtype(), "avg_pool").buf(xc).i32(xc.offset()).buf(out).i32(h).i32(w).i32(oh).i32(ow), p)
                .i32(p.countIncludePad()).i32(out.numel()).run(out.numel());
        return out;
    }

    Tensor avgPool2dBackward(Tensor gy, int[] xs, Pool2dParams p) {
        Tensor gc = be.contig(gy);
        Tensor gx = be.zeros(gy.dtype(), xs);
        int planes = xs[0] * xs[1];
        window(be.launch("pool", gy.dtype(), "avg_pool_backward").buf(gc).i32(gc.offset()).buf(gx).i32(xs[2]).i32(xs[3])
                .i32(gy.size(2)).i32(gy.size(3)), p).i32(p.countIncludePad()).i32(planes).run(planes);
        return gx;
    }

    Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        Tensor xc = be.contig(x);
        Tensor out = be.empty(x.dtype(), x.size(0), x.size(1), oh, ow);
        be.launch("pool", x.dtype(), "adaptive_avg_pool").buf(xc).i32(xc.offset()).buf(out).i32(x.size(2)).i32(x.size(3))
                .i32(oh).i32(ow).i32(out.numel()).run(out.numel());
        return out;
    }

    Tensor adaptiveAvgPool2dBackward(Tensor gy, int[] xs) {
        Tensor gc = be.contig(gy);
        Tensor gx = be.zeros(gy.dtype(), xs);
        int planes = xs[0] * xs[1];
        be.launch("pool", gy.dtype(), "adaptive_avg_pool_backward").buf(gc).i32(gc.offset()).buf(gx).i32(xs[2]).i32(xs[3])
                .i32(gy.size(2)).i32(gy.size(3)).i32(planes).run(planes);
        return gx;
    }
}
