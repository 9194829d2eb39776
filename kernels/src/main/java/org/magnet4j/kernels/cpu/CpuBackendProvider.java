package org.magnet4j.kernels.cpu;

import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BackendProvider;
import org.magnet4j.tensor.Device;

/** Registers the CPU backend with the ServiceLoader. There is one CPU device. */
public final class CpuBackendProvider implements BackendProvider {
    private static final CpuBackend INSTANCE = new CpuBackend();

    @Override public String deviceType() { return "cpu"; }

    @Override public Backend create(Device device) { return INSTANCE; }
}
