package org.magnet4j.kernels.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.magnet4j.kernels.BackendConformanceSuite;
import org.magnet4j.kernels.Conformance;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/** The conformance suite (every Backend op, CPU vs this backend) on CUDA, plus the cuDNN/cuBLAS fallbacks. */
public class CudaConformanceTest extends BackendConformanceSuite {
    static final Conformance CUDA = new Conformance(Device.parse(System.getProperty("magnet.cuda.testDevice", "cuda")), "CUDA");

    private static String unavailable; // null: not checked yet; "": CUDA usable; else why not

    @Override protected Conformance conformance() { return CUDA; }

    /** Checked per test (not per class) so that every test is reported as skipped, with the reason, without a GPU. */
    @BeforeEach void requireCuda() {
        synchronized (CudaConformanceTest.class) {
            if (unavailable == null) {
                try {
                    System.out.println("CUDA conformance on " + ((CudaBackend) Backends.get(CUDA.device())).describe());
                    unavailable = "";
                } catch (BackendUnavailableException e) {
                    unavailable = e.getMessage();
                }
            }
        }
        Assumptions.assumeTrue(unavailable.isEmpty(), "CUDA is not usable here, so the GPU tests are skipped: " + unavailable);
    }

    @AfterAll static void summary() { System.out.println(CUDA.summary()); }

    /** The same convolutions and products on the fallbacks: im2col + our GEMM kernel instead of cuDNN and cuBLAS. */
    @ParameterizedTest @EnumSource(F.class) void fallbacksWithoutCudnnAndCublas(F f) {
        CudaBackend be = (CudaBackend) Backends.get(CUDA.device());
        be.useCudnn(false);
        be.useCublas(false);
        try {
            conv2d(f);
            matmul(f);
        } finally {
            be.useCudnn(true);
            be.useCublas(true);
        }
    }
}
