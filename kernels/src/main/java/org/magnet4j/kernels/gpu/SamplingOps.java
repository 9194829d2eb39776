package org.magnet4j.kernels.gpu;

import org.magnet4j.kernels.SamplingTables;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Tensor;

/**
 * interpolate, grid_sample and roi_align, forward and backward. Coordinate tables come from {@link SamplingTables}
 * (the CPU backend's rules); input-gradient scatters with arbitrary collisions (grid_sample, roi_align) run one
 * thread (work-item) per plane, interpolate's backward is a gather over the monotone tables.
 */
final class SamplingOps {
    private final GpuBackend be;

    SamplingOps(GpuBackend be) { this.be = be; }

    private Tensor ints(int[] a) { return Tensor.of(be.upload(a, DType.INT32), a.length); }

    /** Weights in the compute type t (float32 weights are the CPU's float-rounded values). */
    private Tensor weights(double[] a, DType t) {
        if (t == DType.FLOAT64) return Tensor.of(be.upload(a.clone(), DType.FLOAT64), a.length);
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return Tensor.of(be.upload(f, DType.FLOAT32), a.length);
    }

    private KernelLaunch axisArgs(KernelLaunch l, SamplingTables.Axis a, DType t) {
        return l.buf(ints(a.i0())).buf(ints(a.i1())).buf(weights(a.w0(), t)).buf(weights(a.w1(), t));
    }

    Tensor interpolate(Tensor x, int oh, int ow, InterpMode mode, boolean alignCorners, double sh, double sw) {
        DType t = x.dtype();
        boolean f32 = t == DType.FLOAT32;
        Tensor xc = be.contig(x);
        int h = x.size(2), w = x.size(3);
        Tensor out = be.empty(t, x.size(0), x.size(1), oh, ow);
        KernelLaunch l = be.launch("sampling", t, "interpolate").buf(xc).i32(xc.offset()).buf(out).i32(h).i32(w).i32(oh).i32(ow)
                .i32(mode == InterpMode.NEAREST);
        axisArgs(l, SamplingTables.axis(h, oh, mode, alignCorners, sh, f32), t);
        axisArgs(l, SamplingTables.axis(w, ow, mode, alignCorners, sw, f32), t);
        l.i32(out.numel()).run(out.numel());
        return out;
    }

    Tensor interpolateBackward(Tensor gy, int[] xs, InterpMode mode, boolean alignCorners, double sh, double sw) {
        DType t = gy.dtype();
        boolean f32 = t == DType.FLOAT32;
        Tensor gc = be.contig(gy);
        int h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3);
        Tensor gx = be.empty(t, xs);
        SamplingTables.Axis ay = SamplingTables.axis(h, oh, mode, alignCorners, sh, f32), ax = SamplingTables.axis(w, ow, mode, alignCorners, sw, f32);
        int[][] ry = ay.ranges(h), rx = ax.ranges(w);
        KernelLaunch l = be.launch("sampling", t, "interpolate_backward").buf(gc).i32(gc.offset()).buf(gx).i32(h).i32(w).i32(oh).i32(ow);
        axisArgs(l, ay, t).buf(ints(ry[0])).buf(ints(ry[1]));
        axisArgs(l, ax, t).buf(ints(rx[0])).buf(ints(rx[1]));
        l.i32(gx.numel()).run(gx.numel());
        return gx;
    }

    Tensor gridSample(Tensor x, Tensor grid, boolean alignCorners) {
        Tensor xc = be.contig(x), gc = be.contig(be.here(grid));
        int n = x.size(0), c = x.size(1), ho = grid.size(1), wo = grid.size(2);
        Tensor out = be.empty(x.dtype(), n, c, ho, wo);
        be.launch("sampling", x.dtype(), "grid_sample").buf(xc).i32(xc.offset()).buf(gc).i32(gc.offset()).buf(out)
                .i32(c).i32(x.size(2)).i32(x.size(3)).i32(ho).i32(wo).i32(alignCorners).i32(out.numel()).run(out.numel());
        return out;
    }

    Tensor[] gridSampleBackward(Tensor gy, Tensor x, Tensor grid, boolean alignCorners) {
        Tensor g = be.contig(gy), xc = be.contig(be.here(x)), gc = be.contig(be.here(grid));
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), pts = grid.size(1) * grid.size(2);
        Tensor gx = be.zeros(x.dtype(), x.shape()), gg = be.empty(grid.dtype(), grid.shape());
        be.launch("sampling", x.dtype(), "grid_sample_backward_input").buf(g).i32(g.offset()).buf(gc).i32(gc.offset()).buf(gx)
                .i32(c).i32(h).i32(w).i32(pts).i32(alignCorners).i32(n * c).run(n * c);
        be.launch("sampling", x.dtype(), "grid_sample_backward_grid").buf(g).i32(g.offset()).buf(xc).i32(xc.offset()).buf(gc).i32(gc.offset())
                .buf(gg).i32(c).i32(h).i32(w).i32(pts).i32(alignCorners).i32(n * pts).run((long) n * pts);
        return new Tensor[] {gx, gg};
    }

    private KernelLaunch roiArgs(KernelLaunch l, SamplingTables.Roi r, DType t) {
        return l.buf(ints(r.meta)).buf(weights(r.count, t))
                .buf(ints(r.yl.array())).buf(ints(r.yh.array())).buf(weights(r.hy.array(), t)).buf(weights(r.ly.array(), t)).buf(ints(r.yok.array()))
                .buf(ints(r.xl.array())).buf(ints(r.xh.array())).buf(weights(r.hx.array(), t)).buf(weights(r.lx.array(), t)).buf(ints(r.xok.array()));
    }

    Tensor roiAlign(Tensor x, Tensor boxes, int oh, int ow, double scale, int samplingRatio, boolean aligned) {
        DType t = x.dtype();
        Tensor xc = be.contig(x);
        int c = x.size(1), h = x.size(2), w = x.size(3), nk = boxes.size(0);
        Tensor out = be.empty(t, nk, c, oh, ow);
        if (out.numel() == 0) return out;
        SamplingTables.Roi r = new SamplingTables.Roi(boxes.toDoubleArray(), nk, h, w, oh, ow, scale, samplingRatio, aligned, t == DType.FLOAT32);
        KernelLaunch l = be.launch("sampling", t, "roi_align").buf(xc).i32(xc.offset()).buf(out).i32(c).i32(h).i32(w).i32(oh).i32(ow);
        roiArgs(l, r, t).i32(out.numel()).run(out.numel());
        return out;
    }

    Tensor roiAlignBackward(Tensor gy, Tensor boxes, int[] xs, double scale, int samplingRatio, boolean aligned) {
        DType t = gy.dtype();
        Tensor gc = be.contig(gy);
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3], oh = gy.size(2), ow = gy.size(3), nk = boxes.size(0);
        Tensor gx = be.zeros(t, xs);
        if (nk == 0) return gx;
        SamplingTables.Roi r = new SamplingTables.Roi(boxes.toDoubleArray(), nk, h, w, oh, ow, scale, samplingRatio, aligned, t == DType.FLOAT32);
        KernelLaunch l = be.launch("sampling", t, "roi_align_backward").buf(gc).i32(gc.offset()).buf(gx).i32(c).i32(h).i32(w).i32(oh).i32(ow).i32(nk);
        roiArgs(l, r, t).i32(n * c).run(n * c);
        return gx;
    }
}
