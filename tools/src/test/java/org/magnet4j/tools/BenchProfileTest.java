package org.magnet4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/** bench model --profile on a GPU backend (OpenCL here; CUDA on a GPU machine) lists the device's kernels. */
class BenchProfileTest {
    @Test void benchModelProfilesTheDeviceKernels() {
        DeviceProfile.enable(); // before the availability check starts the backend
        Assumptions.assumeTrue(Backends.isAvailable(Device.parse("opencl")), "no OpenCL platform");
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true));
            code = MagnetCli.commandLine().execute("bench", "model", "--model", "hrnet18+ocr", "--num_classes", "19", "--shape", "1", "3", "32", "64",
                    "--device", "opencl", "--repeat", "1", "--profile", "--no_pytorch");
        } finally {
            System.setOut(stdout);
        }
        String out = buf.toString();
        assertEquals(0, code, out);
        Matcher m = Pattern.compile("(\\d+) kernel launches per forward").matcher(out);
        assertTrue(m.find(), out);
        // The folded model: one im2col + GEMM per convolution and its epilogue (bias, residual, ReLU) as one kernel.
        int launches = Integer.parseInt(m.group(1));
        assertTrue(launches > 300 && launches < 600, launches + " launches per forward\n" + out);
        // Convolutions with a norm or an activation after them add their bias in that kernel (add_bias remains for bare ones).
        assertTrue(calls(out, "add_bias") < calls(out, "conv_epilogue") && calls(out, "gemm") > 0, out);
    }

    /** The profile line's call count for a kernel (0 when absent). */
    private static long calls(String profile, String kernel) {
        Matcher m = Pattern.compile("(?m)^" + kernel + "\\s+(\\d+) calls").matcher(profile);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
