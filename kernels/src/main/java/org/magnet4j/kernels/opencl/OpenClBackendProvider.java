package org.magnet4j.kernels.opencl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BackendProvider;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Device;

/**
 * Registers the OpenCL backend ("opencl", "opencl:N" = N-th device over all platforms, GPUs first). Loading
 * this class touches no native code; a missing libOpenCL or platform becomes a BackendUnavailableException
 * when a device is asked for.
 */
public final class OpenClBackendProvider implements BackendProvider {
    private static final Map<Integer, OpenClBackend> BACKENDS = new ConcurrentHashMap<>();

    @Override public String deviceType() { return "opencl"; }

    @Override public Backend create(Device device) {
        try {
            return BACKENDS.computeIfAbsent(device.index(), i -> new OpenClBackend(device, ClDevices.select(i)));
        } catch (LinkageError e) {
            throw new BackendUnavailableException(ClDevices.linkFailure(e), e);
        } catch (ClException e) {
            throw new BackendUnavailableException("OpenCL device " + device + " could not be opened: " + e.getMessage(), e);
        }
    }
}
