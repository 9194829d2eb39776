package org.magnet4j.kernels.opencl;

import org.magnet4j.kernels.gpu.BatchedGemm;
import org.magnet4j.kernels.gpu.GemmOperand;
import org.magnet4j.kernels.gpu.Im2colConvolution;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Batched matmul on the tiled GEMM kernel (transposed operands are read in place); convolutions run on it as
 * im2col + GEMM ({@link Im2colConvolution}).
 */
final class LinearOps {
    private static final int TS = 16;
    /** Elements of im2col scratch per chunk of images. */
    static final long COL_BUDGET = Long.getLong("magnet.opencl.colElements", 32L << 20);

    private final OpenClBackend be;

    LinearOps(OpenClBackend be) { this.be = be; }

    /** C[z] = op(A[z]) op(B[z]) (+ C[z] when acc) on the tiled GEMM kernel: {@link BatchedGemm}. */
    void gemm(DType type, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc) {
        if (m == 0 || n == 0 || nb1 * nb2 == 0) return;
        be.launch("linear", type, "gemm").i32(m).i32(n).i32(k)
                .buf(a.t()).i32(a.off()).i32(a.ld()).i32(a.trans()).i32(a.s1()).i32(a.s2())
                .buf(b.t()).i32(b.off()).i32(b.ld()).i32(b.trans()).i32(b.s1()).i32(b.s2())
                .buf(c.t()).i32(c.off()).i32(c.ld()).i32(c.s1()).i32(c.s2()).i32(nb2).i32(acc).i32(0) // zBase: one launch
                .run(new long[] {round(n), round(m), (long) nb1 * nb2}, new long[] {TS, TS, 1});
    }

    private static long round(int v) { return (v + TS - 1) / TS * TS; }

    /** A [B, rows, cols] view as a GEMM operand read in place when one of its matrix dims is unit-stride. */
    private GemmOperand operand(Tensor t) {
        int[] s = t.strides(), sh = t.shape();
        if (s[2] == 1 || sh[2] == 1) return new GemmOperand(t, t.offset(), s[1], false, s[0], 0);
        if (s[1] == 1 || sh[1] == 1) return new GemmOperand(t, t.offset(), s[2], true, s[0], 0);
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
}
