package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.Tensor;

/**
 * One operand of a batched GEMM on a GPU buffer: the tensor whose storage holds it, the element offset of batch
 * (0, 0), the leading dimension, whether it is stored transposed, and the element strides of the two batch levels.
 */
public record GemmOperand(Tensor t, int off, int ld, boolean trans, int s1, int s2) {}
