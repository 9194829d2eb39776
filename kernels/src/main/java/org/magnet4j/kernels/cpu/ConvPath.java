package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;

/**
 * Which way the CPU backend computes a convolution, decided once per call from its shape: the dispatch in
 * {@link LinearKernels} and the labels of {@link ConvProfile} both come from here.
 */
enum ConvPath {
    /** float64, the checking path: an explicit im2col matrix (none for 1x1) and the plain GEMM. */
    FLOAT64("float64"),
    /** A 1x1 stride-1 unpadded convolution: the image is already the GEMM's B. */
    POINTWISE("gemm 1x1"),
    WINOGRAD_4X4("winograd 4x4"),
    WINOGRAD_2X2("winograd 2x2"),
    /** B rows are slices of a zero-padded (phase-split) copy of the image. */
    PADDED("gemm padded"),
    /** The GEMM packs im2col rows straight from the image. */
    IM2COL("gemm im2col");

    final String label;

    ConvPath(String label) { this.label = label; }

    /** The path for cg -> og channels (per group) over h x w with a kH x kW kernel, most specific first. */
    static ConvPath of(DType dtype, int cg, int og, int h, int w, int kH, int kW, Conv2dParams p) {
        if (dtype != DType.FLOAT32) return FLOAT64;
        if (LinearKernels.isPointwise(kH, kW, p)) return POINTWISE;
        if (WinogradF4x4.suits(cg, og, h, w, kH, kW, p)) return WINOGRAD_4X4; // 4x fewer FLOPs; wide layers, width 64k
        if (Winograd3x3.suits(cg, og, h, w, kH, kW, p)) return WINOGRAD_2X2;  // 2.25x fewer FLOPs; wide layers only
        return PaddedConv.suits(w, kW, p) ? PADDED : IM2COL;
    }
}
