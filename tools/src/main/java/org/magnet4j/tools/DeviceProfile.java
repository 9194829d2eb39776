package org.magnet4j.tools;

import org.magnet4j.kernels.cuda.CudaBackend;
import org.magnet4j.kernels.opencl.OpenClBackend;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/**
 * bench's --profile on a GPU: turns on the CUDA or OpenCL backend's event profiler (it must be on before the backend
 * starts) and prints what it recorded, per kernel and per library call.
 */
final class DeviceProfile {
    private DeviceProfile() {}

    static void enable() {
        System.setProperty("magnet.cuda.profile", "true");
        System.setProperty("magnet.opencl.profile", "true");
    }

    static void reset(Device dev) {
        var backend = Backends.get(dev);
        if (backend instanceof CudaBackend cuda && cuda.profiler() != null) cuda.profiler().reset();
        else if (backend instanceof OpenClBackend cl && cl.profiler() != null) cl.profiler().reset();
    }

    /** The device's profile over the timed forwards, with the number of kernel launches per forward. */
    static String summary(Device dev, int forwards) {
        var backend = Backends.get(dev);
        if (backend instanceof CudaBackend cuda && cuda.profiler() != null)
            return "device profile over " + forwards + " timed forwards (" + dev + "):\n" + cuda.profiler().summary();
        if (backend instanceof OpenClBackend cl && cl.profiler() != null) {
            long calls = cl.profiler().totals().values().stream().mapToLong(v -> v[0]).sum();
            return "device profile over " + forwards + " timed forwards (" + dev + "), " + calls / Math.max(forwards, 1)
                    + " kernel launches per forward:\n" + cl.profiler().summary();
        }
        return "no device profile for " + dev + ": its backend started before profiling was turned on (-Dmagnet.cuda.profile=true or "
                + "-Dmagnet.opencl.profile=true when the JVM starts turn it on from the beginning)\n";
    }
}
