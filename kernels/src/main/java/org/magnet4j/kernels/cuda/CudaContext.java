package org.magnet4j.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One GPU: the driver, the device's primary context (shared with cuBLAS and cuDNN, which use the runtime API),
 * one stream that every copy, kernel and library call goes on, the cuBLAS and cuDNN handles when those libraries
 * are present, and NVRTC when it is needed.
 */
final class CudaContext {
    final CudaLibraries libraries;
    final CuDriver driver;
    final int ordinal, device;
    final String name;
    final int ccMajor, ccMinor, smCount;
    final long totalMem;
    final MemorySegment context, stream;
    final CuBlas cublas;
    final CuDnn cudnn;
    /** Why cuBLAS / cuDNN are not used (null when they are). */
    final String cublasMissing, cudnnMissing;
    private volatile Nvrtc nvrtc;
    private volatile String nvrtcMissing;
    private final CudaModules modules = new CudaModules(this);
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);

    CudaContext(CudaLibraries libraries, CuDriver driver, int ordinal) {
        this.libraries = libraries;
        this.driver = driver;
        this.ordinal = ordinal;
        this.device = driver.device(ordinal);
        this.name = driver.deviceName(device);
        this.ccMajor = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.ccMinor = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.smCount = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.totalMem = driver.totalMem(device);
        this.context = driver.primaryContext(device);
        bind();
        this.stream = driver.streamCreate();

        boolean useBlas = !"false".equals(System.getProperty("magnet.cuda.cublas"));
        boolean useDnn = !"false".equals(System.getProperty("magnet.cuda.cudnn"));
        CuBlas b = null;
        String bm = useBlas ? null : "disabled by -Dmagnet.cuda.cublas=false";
        if (useBlas) {
            List<String> errors = new ArrayList<>();
            Optional<CudaLibraries.Loaded> l = libraries.load(CudaLibraries.Lib.CUBLAS, errors);
            try {
                if (l.isPresent()) b = new CuBlas(l.get(), stream);
                else bm = String.join("; ", errors);
            } catch (CudaException | IllegalArgumentException e) {
                bm = "cuBLAS at " + l.get().source() + " failed to initialise: " + e.getMessage();
            }
        }
        CuDnn d = null;
        String dm = useDnn ? null : "disabled by -Dmagnet.cuda.cudnn=false";
        if (useDnn) {
            List<String> errors = new ArrayList<>();
            Optional<CudaLibraries.Loaded> l = libraries.load(CudaLibraries.Lib.CUDNN, errors);
            try {
                if (l.isPresent()) d = new CuDnn(l.get(), stream);
                else dm = String.join("; ", errors);
            } catch (CudaException | IllegalArgumentException e) {
                dm = "cuDNN at " + l.get().source() + " failed to initialise: " + e.getMessage();
            }
        }
        cublas = b;
        cublasMissing = bm;
        cudnn = d;
        cudnnMissing = dm;
    }

    CudaModules modules() { return modules; }

    /** Makes this context current on the calling thread (once per thread). */
    void bind() {
        if (!bound.get()) {
            driver.setCurrent(context);
            bound.set(true);
        }
    }

    void synchronize() {
        bind();
        driver.streamSynchronize(stream);
    }

    /** NVRTC, loaded at first use; throws a CudaException saying where it was looked for when it is absent. */
    Nvrtc nvrtc() {
        if (nvrtc != null) return nvrtc;
        synchronized (this) {
            if (nvrtc != null) return nvrtc;
            if (nvrtcMissing != null) throw new CudaException(nvrtcMissing);
            List<String> errors = new ArrayList<>();
            Optional<CudaLibraries.Loaded> l = libraries.load(CudaLibraries.Lib.NVRTC, errors);
            if (l.isEmpty()) {
                nvrtcMissing = String.join("; ", errors);
                throw new CudaException(nvrtcMissing);
            }
            nvrtc = new Nvrtc(l.get());
            return nvrtc;
        }
    }

    /** "NVIDIA H200 (sm_90, 132 SMs, 140 GiB), driver 13.0, cuBLAS 13.0.2 (libcublas.so.13), cuDNN 9.10.0 (...)". */
    String describe() {
        int dv = driver.driverVersion();
        return name + " (sm_" + ccMajor + ccMinor + ", " + smCount + " SMs, " + (totalMem >> 30) + " GiB), driver API " + dv / 1000 + "." + dv % 1000 / 10
                + ", libcuda " + driver.lib.lib.source()
                + ", " + (cublas != null ? "cuBLAS " + CuBlas.versionString(cublas.version) + " (" + cublas.lib.lib.source() + ")" : "no cuBLAS (own GEMM kernel)")
                + ", " + (cudnn != null ? "cuDNN " + CuDnn.versionString(cudnn.version) + " (" + cudnn.lib.lib.source() + ")" : "no cuDNN (im2col + GEMM)");
    }
}
