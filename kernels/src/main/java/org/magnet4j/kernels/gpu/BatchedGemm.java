package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.DType;

/** A backend's batched matrix product (cuBLAS, or our tiled GEMM kernel). */
@FunctionalInterface
public interface BatchedGemm {
    /** C[z] = op(A[z]) op(B[z]) (+ C[z] when acc), z = (z1, z2) in nb1 x nb2, offsets off + z1*s1 + z2*s2. */
    void gemm(DType type, int m, int n, int k, GemmOperand a, GemmOperand b, GemmOperand c, int nb1, int nb2, boolean acc);
}
