package org.magnet4j.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.magnet4j.kernels.gpu.BatchedGemm;
import org.magnet4j.kernels.gpu.GemmOperand;
import org.magnet4j.kernels.gpu.Im2colConvolution;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Batched matmul on cuBLAS (strided-batched GEMM; transposed operands are read in place), convolution and its two
 * gradients on cuDNN (the _v7 heuristics' best algorithm that runs, deterministic ones first for the gradients,
 * no TF32 for float32), and, when a library is absent or refuses a case, the same as the OpenCL backend: our
 * tiled GEMM kernel, and convolution as im2col + GEMM ({@link Im2colConvolution}).
 */
final class LinearOps {
    private static final int TS = 16;
    private static final int MAX_GRID_Z = 65535;
    /** Elements of im2col scratch per chunk of images. */
    private static final long COL_BUDGET = Long.getLong("magnet.cuda.colElements", 64L << 20);

    private final CudaBackend be;
    volatile boolean cudnnEnabled = true, cublasEnabled = true;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, MemorySegment> biasDescs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> warned = new ConcurrentHashMap<>();

    private final Im2colConvolution im2col;

    LinearOps(CudaBackend be) {
        this.be = be;
        this.im2col = new Im2colConvolution(be, this::gemm, COL_BUDGET);
    }

    // ---- GEMM -----------------------------------------------------------------------------------------------
    /** The operand with a leading dimension cuBLAS accepts (ld >= the stored row length), or null when it has none. */
    private static GemmOperand blasLd(GemmOperand o, int rows, int cols) {
        int need = Math.max(1, o.trans() ? rows : cols);
        if (o.ld() >= need) return o;
        if ((o.trans() ? cols : rows) <= 1) return new GemmOperand(o.t(), o.off(), need, o.trans(), o.s1(), o.s2()); // ld unused
        return null;
    }

    /** {@link BatchedGemm}: on cuBLAS when its leading-dimension rules allow, else on our tiled GEMM kernel. */
    void gemm(DType type, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc) {
        if (m == 0 || n == 0 || nb1 * nb2 == 0) return;
        boolean dbl = type == DType.FLOAT64;
        if (cublasEnabled && be.ctx.cublas != null && (type == DType.FLOAT32 || dbl)) {
            GemmOperand ab = blasLd(a, m, k), bb = blasLd(b, k, n), cb = blasLd(c, m, n);
            if (ab != null && bb != null && cb != null && !cb.trans()) {
                cublas(dbl, m, n, k, ab, bb, cb, nb1, nb2, acc);
                return;
            }
        }
        gemmKernel(type, m, n, k, a, b, c, nb1, nb2, acc);
    }

    private void cublas(boolean dbl, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc) {
        timed("cublas gemm", () -> cublasCalls(dbl, m, n, k, a, b, c, nb1, nb2, acc));
    }

    /** Runs a library call; with -Dmagnet.cuda.profile=true its GPU time is recorded as our kernels' are (CudaProfiler). */
    private void timed(String name, Runnable call) {
        if (be.profiler == null) {
            call.run();
            return;
        }
        long t0 = System.nanoTime();
        be.profiler.begin(name);
        try {
            call.run();
        } finally {
            be.profiler.end(name, t0);
        }
    }

    private void cublasCalls(boolean dbl, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc) {
        be.ctx.bind();
        long es = dbl ? 8 : 4;
        long pa = CudaBackend.st(a.t()).ptr() + a.off() * es, pb = CudaBackend.st(b.t()).ptr() + b.off() * es;
        long pc = CudaBackend.st(c.t()).ptr() + c.off() * es;
        // batch over the larger of the two levels in one call, loop over the other
        boolean inner2 = nb2 >= nb1;
        int loops = inner2 ? nb1 : nb2, batch = inner2 ? nb2 : nb1;
        for (int z = 0; z < loops; z++) {
            long za = inner2 ? (long) z * a.s1() : (long) z * a.s2(), zb = inner2 ? (long) z * b.s1() : (long) z * b.s2();
            long zc = inner2 ? (long) z * c.s1() : (long) z * c.s2();
            be.ctx.cublas.gemmRowMajor(dbl, m, n, k, pa + za * es, a.ld(), a.trans(), inner2 ? a.s2() : a.s1(), pb + zb * es, b.ld(), b.trans(),
                    inner2 ? b.s2() : b.s1(), pc + zc * es, c.ld(), inner2 ? c.s2() : c.s1(), batch, acc);
        }
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
        java.lang.ref.Reference.reachabilityFence(c);
    }

    private void gemmKernel(DType type, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc) {
        int total = nb1 * nb2;
        for (int z0 = 0; z0 < total; z0 += MAX_GRID_Z) {
            int nz = Math.min(MAX_GRID_Z, total - z0);
            be.launch("linear", type, "gemm").i32(m).i32(n).i32(k)
                    .buf(a.t()).i32(a.off()).i32(a.ld()).i32(a.trans()).i32(a.s1()).i32(a.s2())
                    .buf(b.t()).i32(b.off()).i32(b.ld()).i32(b.trans()).i32(b.s1()).i32(b.s2())
                    .buf(c.t()).i32(c.off()).i32(c.ld()).i32(c.s1()).i32(c.s2()).i32(nb2).i32(acc).i32(z0)
                    .launch((n + TS - 1) / TS, (m + TS - 1) / TS, nz, TS, TS, 1);
        }
    }

    /** A [B, rows, cols] view as a GEMM operand read in place when one of its matrix dims is unit-stride. */
    private GemmOperand operand(Tensor t) {
        int[] s = t.strides(), sh = t.shape();
        GemmOperand o = null;
        if (s[2] == 1 || sh[2] == 1) o = new GemmOperand(t, t.offset(), s[1], false, s[0], 0);
        else if (s[1] == 1 || sh[1] == 1) o = new GemmOperand(t, t.offset(), s[2], true, s[0], 0);
        if (o != null && (!cublasEnabled || be.ctx.cublas == null || blasLd(o, sh[1], sh[2]) != null)) return o;
        Tensor c = be.copyOf(t);
        return new GemmOperand(c, 0, sh[2], false, sh[1] * sh[2], 0);
    }

    Tensor matmul(Tensor a, Tensor b) {
        Tensor bb = be.here(b);
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = bb.size(2);
        Tensor out = k == 0 ? be.zeros(a.dtype(), batch, m, n) : be.empty(a.dtype(), batch, m, n);
        if (k == 0) return out;
        gemm(a.dtype(), m, n, k, operand(a), operand(bb), new GemmOperand(out, 0, n, false, m * n, 0), batch, 1, false);
        return out;
    }

    // ---- cuDNN ----------------------------------------------------------------------------------------------
    /** Descriptors of one convolution geometry, and the algorithm chosen per kind (-1: not chosen yet). */
    private static final class Plan {
        MemorySegment x, w, y, conv;
        final int[] algo = {-1, -1, -1};
        final long[] ws = new long[3];
    }

    private boolean cudnnFor(DType t) { return cudnnEnabled && be.ctx.cudnn != null && (t == DType.FLOAT32 || t == DType.FLOAT64); }

    private Plan plan(DType t, int[] xs, int[] ws, int[] ys, Conv2dParams p) {
        String key = t + java.util.Arrays.toString(xs) + java.util.Arrays.toString(ws) + java.util.Arrays.toString(ys) + p;
        return plans.computeIfAbsent(key, k -> {
            CuDnn dnn = be.ctx.cudnn;
            int dt = t == DType.FLOAT64 ? CuDnn.CUDNN_DATA_DOUBLE : CuDnn.CUDNN_DATA_FLOAT;
            Plan pl = new Plan();
            pl.x = dnn.tensor(dt, xs[0], xs[1], xs[2], xs[3]);
            pl.w = dnn.filter(dt, ws[0], ws[1], ws[2], ws[3]);
            pl.y = dnn.tensor(dt, ys[0], ys[1], ys[2], ys[3]);
            pl.conv = dnn.convolution(dt, p.padH(), p.padW(), p.strideH(), p.strideW(), p.dilationH(), p.dilationW(), p.groups());
            if (t == DType.FLOAT32 && !dnn.mathType(pl.conv, CuDnn.CUDNN_FMA_MATH)) dnn.mathType(pl.conv, CuDnn.CUDNN_DEFAULT_MATH);
            return pl;
        });
    }

    /** Runs one kind with the cached algorithm, or picks one: the heuristics' order, deterministic first for gradients. */
    private void runCudnn(CuDnn.Kind kind, Plan pl, boolean dbl, MemorySegment d1, long p1, MemorySegment d2, long p2, MemorySegment dOut, long pOut) {
        timed("cudnn conv " + kind.name().toLowerCase(java.util.Locale.ROOT), () -> runCudnnCall(kind, pl, dbl, d1, p1, d2, p2, dOut, pOut));
    }

    private void runCudnnCall(CuDnn.Kind kind, Plan pl, boolean dbl, MemorySegment d1, long p1, MemorySegment d2, long p2, MemorySegment dOut, long pOut) {
        CuDnn dnn = be.ctx.cudnn;
        be.ctx.bind();
        int ki = kind.ordinal();
        if (pl.algo[ki] >= 0) {
            int rc = execute(kind, pl, dbl, pl.algo[ki], pl.ws[ki], d1, p1, d2, p2, dOut, pOut);
            if (rc == 0) return;
            pl.algo[ki] = -1; // choose again
        }
        List<CuDnn.Perf> all = dnn.candidates(kind, d1, d2, pl.conv, dOut);
        List<CuDnn.Perf> order = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++)
            for (CuDnn.Perf c : all) {
                if (c.status() != 0) continue;
                if (!dbl && (c.mathType() == CuDnn.CUDNN_TENSOR_OP_MATH || c.mathType() == CuDnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION)) continue;
                boolean first = kind == CuDnn.Kind.FORWARD || c.deterministic();
                if ((pass == 0) == first && !order.contains(c)) order.add(c);
            }
        StringBuilder tried = new StringBuilder();
        for (CuDnn.Perf c : order) {
            long ws = dnn.workspace(kind, d1, d2, pl.conv, dOut, c.algo());
            if (ws < 0) {
                tried.append(" algo ").append(c.algo()).append(": no workspace size;");
                continue;
            }
            int rc = execute(kind, pl, dbl, c.algo(), ws, d1, p1, d2, p2, dOut, pOut);
            if (rc == 0) {
                pl.algo[ki] = c.algo();
                pl.ws[ki] = ws;
                return;
            }
            tried.append(" algo ").append(c.algo()).append(": ").append(dnn.statusName(rc)).append(';');
        }
        throw new CudaException("cudnnConvolution" + CuDnn.kindName(kind) + ": no algorithm ran (" + all.size() + " candidates;" + tried + ")");
    }

    private int execute(CuDnn.Kind kind, Plan pl, boolean dbl, int algo, long ws, MemorySegment d1, long p1, MemorySegment d2, long p2,
                        MemorySegment dOut, long pOut) {
        DevicePool.Block block = ws > 0 ? be.pool.acquire(ws) : null;
        try {
            return be.ctx.cudnn.execute(kind, dbl, d1, p1, d2, p2, pl.conv, algo, block == null ? 0 : block.ptr(), ws, dOut, pOut);
        } finally {
            if (block != null) be.pool.release(block); // later users of the block are ordered after this call on the stream
        }
    }

    private void warnOnce(String what, CudaException e) {
        if (warned.putIfAbsent(what, true) == null)
            System.err.println("[magnet4j cuda] cuDNN could not run " + what + ", using im2col + GEMM instead: " + e.getMessage());
    }

    // ---- convolution: cuDNN, else im2col + GEMM --------------------------------------------------------------
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        DType t = x.dtype();
        if (cudnnFor(t)) {
            Tensor xc = be.contig(x), wc = be.contig(be.here(w));
            int o = w.size(0), oh = p.outH(x.size(2), w.size(2)), ow = p.outW(x.size(3), w.size(3));
            Tensor out = be.empty(t, x.size(0), o, oh, ow);
            if (out.numel() == 0) return out;
            try {
                Plan pl = plan(t, xc.shape(), wc.shape(), out.shape(), p);
                runCudnn(CuDnn.Kind.FORWARD, pl, t == DType.FLOAT64, pl.x, CudaBackend.addr(xc), pl.w, CudaBackend.addr(wc), pl.y, CudaBackend.addr(out));
                if (bias != null) {
                    Tensor bc = be.contig(be.here(bias));
                    MemorySegment bd = biasDescs.computeIfAbsent(t + ":" + o, k -> be.ctx.cudnn.tensor(
                            t == DType.FLOAT64 ? CuDnn.CUDNN_DATA_DOUBLE : CuDnn.CUDNN_DATA_FLOAT, 1, o, 1, 1));
                    timed("cudnn add bias", () -> be.ctx.cudnn.addTensor(t == DType.FLOAT64, bd, CudaBackend.addr(bc), pl.y, CudaBackend.addr(out)));
                    java.lang.ref.Reference.reachabilityFence(bc);
                }
                java.lang.ref.Reference.reachabilityFence(xc);
                java.lang.ref.Reference.reachabilityFence(wc);
                return out;
            } catch (CudaException e) {
                warnOnce("conv2d " + java.util.Arrays.toString(x.shape()) + " * " + java.util.Arrays.toString(w.shape()) + " " + p + " " + t, e);
            }
        }
        return im2col.conv2d(x, w, bias, p);
    }

    Tensor conv2dBackwardInput(Tensor gy, Tensor w, int[] xs, Conv2dParams p) {
        DType t = gy.dtype();
        if (cudnnFor(t)) {
            Tensor gc = be.contig(gy), wc = be.contig(be.here(w));
            Tensor gx = be.empty(t, xs);
            if (gx.numel() == 0) return gx;
            try {
                Plan pl = plan(t, xs, wc.shape(), gc.shape(), p);
                runCudnn(CuDnn.Kind.BACKWARD_DATA, pl, t == DType.FLOAT64, pl.w, CudaBackend.addr(wc), pl.y, CudaBackend.addr(gc), pl.x, CudaBackend.addr(gx));
                java.lang.ref.Reference.reachabilityFence(gc);
                java.lang.ref.Reference.reachabilityFence(wc);
                return gx;
            } catch (CudaException e) {
                warnOnce("conv2d backward (input) " + java.util.Arrays.toString(xs) + " " + p + " " + t, e);
            }
        }
        return im2col.conv2dBackwardInput(gy, w, xs, p);
    }

    Tensor conv2dBackwardWeight(Tensor gy, Tensor x, int[] ws, Conv2dParams p) {
        DType t = gy.dtype();
        if (cudnnFor(t) && gy.numel() > 0) {
            Tensor gc = be.contig(gy), xc = be.contig(be.here(x));
            try {
                Tensor gw = be.empty(t, ws);
                Plan pl = plan(t, xc.shape(), ws, gc.shape(), p);
                runCudnn(CuDnn.Kind.BACKWARD_FILTER, pl, t == DType.FLOAT64, pl.x, CudaBackend.addr(xc), pl.y, CudaBackend.addr(gc), pl.w, CudaBackend.addr(gw));
                java.lang.ref.Reference.reachabilityFence(gc);
                java.lang.ref.Reference.reachabilityFence(xc);
                return gw;
            } catch (CudaException e) {
                warnOnce("conv2d backward (weight) " + java.util.Arrays.toString(ws) + " " + p + " " + t, e);
            }
        }
        return im2col.conv2dBackwardWeight(gy, x, ws, p);
    }

    Tensor unfold(Tensor x, int kH, int kW, Conv2dParams p) { return im2col.unfold(x, kH, kW, p); }
}
