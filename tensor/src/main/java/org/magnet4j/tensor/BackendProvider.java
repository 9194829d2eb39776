package org.magnet4j.tensor;

/** Registered through META-INF/services; creates the backend of one device type. */
public interface BackendProvider {
    /** "cpu", "cuda", "opencl". */
    String deviceType();

    /** Creates the backend, or throws {@link BackendUnavailableException} saying what is missing. */
    Backend create(Device device);
}
