package org.magnet4j.kernels.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BackendProvider;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Device;

/**
 * Registers the CUDA backend ("cuda", "cuda:N"). Loading this class touches no native code; a missing driver,
 * GPU or library becomes a {@link BackendUnavailableException} that says what is missing, where it was looked
 * for, and how to fix it, when a device is asked for.
 */
public final class CudaBackendProvider implements BackendProvider {
    public static final String FALLBACK_HINT = "Use --device cpu to run on the CPU, or --device auto to fall back to the CPU when no GPU is usable.";

    private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();
    private static CuDriver driver;
    private static BackendUnavailableException driverError;

    @Override public String deviceType() { return "cuda"; }

    @Override public Backend create(Device device) {
        CuDriver drv = driver(CudaLibraries.system());
        try {
            int count = drv.deviceCount();
            if (device.index() >= count) {
                StringBuilder sb = new StringBuilder(device + " does not exist; this machine has " + count + " CUDA device(s):");
                for (int i = 0; i < count; i++) sb.append("\n  cuda:").append(i).append(" ").append(drv.deviceName(drv.device(i)));
                throw new BackendUnavailableException(sb.toString());
            }
            return BACKENDS.computeIfAbsent(device.index(), i -> {
                CudaBackend be = new CudaBackend(device, new CudaContext(CudaLibraries.system(), drv, i));
                if (be.ctx.cublasMissing != null)
                    System.err.println("[magnet4j cuda] matrix products use magnet4j's own GEMM kernel (slower): " + be.ctx.cublasMissing);
                if (be.ctx.cudnnMissing != null)
                    System.err.println("[magnet4j cuda] convolutions use im2col + GEMM (slower): " + be.ctx.cudnnMissing);
                return be;
            });
        } catch (CudaException e) {
            throw new BackendUnavailableException("CUDA device " + device + " could not be opened: " + e.getMessage() + "\n  " + FALLBACK_HINT, e);
        }
    }

    /** The driver, loaded and initialised once per process; the same exception every time when that failed. */
    static synchronized CuDriver driver(CudaLibraries libs) {
        if (driver != null) return driver;
        if (driverError != null) throw driverError;
        try {
            driver = openDriver(libs);
            return driver;
        } catch (BackendUnavailableException e) {
            driverError = e;
            throw e;
        }
    }

    /** Loads libcuda.so.1 and runs cuInit, turning each failure into a message with a fix. */
    static CuDriver openDriver(CudaLibraries libs) {
        List<String> errors = new ArrayList<>();
        Optional<CudaLibraries.Loaded> l = libs.load(CudaLibraries.Lib.CUDA, errors);
        if (l.isEmpty())
            throw new BackendUnavailableException("no CUDA driver: " + String.join("\n", errors) + "\n  " + FALLBACK_HINT);
        CuDriver d;
        try {
            d = new CuDriver(l.get());
        } catch (CudaException | IllegalArgumentException e) {
            throw new BackendUnavailableException("the CUDA driver " + l.get().source() + " is unusable: " + e.getMessage() + "\n  " + FALLBACK_HINT, e);
        }
        try {
            d.init();
        } catch (CudaException e) {
            String why = e.code() == CuDriver.CUDA_ERROR_NO_DEVICE
                    ? "no CUDA-capable GPU is visible (check `nvidia-smi`, CUDA_VISIBLE_DEVICES, and that the container was started with the GPU)"
                    : "the driver could not be initialised (is the NVIDIA kernel module loaded? check `nvidia-smi`)";
            throw new BackendUnavailableException("CUDA driver " + l.get().source() + " found, but " + why + ": " + e.getMessage() + "\n  " + FALLBACK_HINT, e);
        }
        return d;
    }

    /** A report for diagnostics: the libraries found (or not), the driver and the GPUs. Never throws. */
    public static String diagnose() {
        StringBuilder sb = new StringBuilder("CUDA libraries:\n");
        CudaLibraries libs = CudaLibraries.system();
        sb.append(libs.report().indent(2));
        try {
            CuDriver d = driver(libs);
            int n = d.deviceCount(), v = d.driverVersion();
            sb.append("driver API ").append(v / 1000).append('.').append(v % 1000 / 10).append(", ").append(n).append(" device(s)\n");
            for (int i = 0; i < n; i++) sb.append("  cuda:").append(i).append(' ').append(d.deviceName(d.device(i))).append('\n');
        } catch (RuntimeException e) {
            sb.append("CUDA unavailable: ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
