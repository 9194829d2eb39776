package org.magnet4j.kernels.gpu;

import org.magnet4j.tensor.Tensor;

/**
 * One kernel launch being built: arguments in the order of the kernel's parameter list, then {@link #run}. CUDA
 * ({@code CuLaunch}) and OpenCL ({@code Launch}) implement it, so each op family's Java is written once
 * ({@link GpuBackend}). Buffers are given as tensors, which stay reachable until the launch is enqueued.
 */
public interface KernelLaunch {
    /** The tensor's device buffer (its storage; the element offset, when the kernel wants one, is a separate i32). */
    KernelLaunch buf(Tensor t);

    KernelLaunch i32(int v);

    default KernelLaunch i32(boolean v) { return i32(v ? 1 : 0); }

    /** A scalar of the kernel's compute type (float, or double when built for double). */
    KernelLaunch acc(double v);

    /** A strided view packed by {@link StridedView}, passed by value as the kernels' struct View. */
    KernelLaunch view(int[] packed);

    /** One thread (work-item) per index in [0, n); nothing is launched when n is 0. */
    void run(long n);
}
