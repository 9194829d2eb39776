package org.magnet4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.magnet4j.kernels.Devices;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/** On a machine without a usable GPU (CI): the provider loads, says what is missing, and --device behaves. */
class CudaUnavailableTest {
    static final Device CUDA = Device.parse("cuda");

    static void requireNoCuda() {
        Assumptions.assumeFalse(Backends.isAvailable(CUDA), "a usable CUDA GPU is present: these tests are for machines without one");
    }

    @Test void providerClassLoadsWithoutNativeCode() {
        CudaBackendProvider p = new CudaBackendProvider();
        assertEquals("cuda", p.deviceType());
    }

    @Test void unavailableSaysWhatIsMissingAndHowToFix() {
        requireNoCuda();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.get(CUDA));
        String m = e.getMessage();
        assertTrue(m.contains("cuda:0"), m);
        assertTrue(m.contains("libcuda.so.1") || m.contains("CUDA_ERROR"), m);
        assertTrue(m.contains("--device cpu") && m.contains("--device auto"), m);
        if (m.contains("not found")) {
            assertTrue(m.contains("Looked in:"), m);
            assertTrue(m.contains("LD_LIBRARY_PATH") || m.contains("/usr/local/cuda"), m);
            assertTrue(m.contains("install the NVIDIA GPU driver"), m);
        }
        // the same answer every time, without retrying the search
        assertEquals(m, assertThrows(BackendUnavailableException.class, () -> Backends.get(CUDA)).getMessage());
        assertFalse(Backends.isAvailable(Device.parse("cuda:1")));
    }

    @Test void deviceOption() {
        assertEquals(Device.CPU, Devices.resolve("cpu"));
        assertEquals(Device.CPU, Devices.resolve(" CPU "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Devices.resolve("tpu"));
        assertTrue(bad.getMessage().contains("cpu, cuda, cuda:N, opencl, opencl:N or auto"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Devices.resolve("cuda:x"));
        assertThrows(IllegalArgumentException.class, () -> Devices.resolve(""));
    }

    @Test void deviceOptionWithoutGpu() {
        requireNoCuda();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Device d = Devices.resolve("auto", new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(Device.CPU, d);
        String log = buf.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("--device auto: using the CPU"), log);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Devices.resolve("cuda"));
        assertTrue(e.getMessage().startsWith("--device cuda: "), e.getMessage());
        assertTrue(e.getMessage().contains("--device auto"), e.getMessage());
    }

    @Test void diagnoseNeverThrows() {
        String r = CudaBackendProvider.diagnose();
        assertTrue(r.contains("cuda ") && r.contains("cublas") && r.contains("cudnn") && r.contains("nvrtc"), r);
    }
}
