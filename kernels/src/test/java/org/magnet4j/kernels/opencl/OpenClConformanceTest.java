package org.magnet4j.kernels.opencl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.magnet4j.kernels.BackendConformanceSuite;
import org.magnet4j.kernels.Conformance;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;

/** The conformance suite (every Backend op, CPU vs this backend) on OpenCL; skipped with the reason without a platform. */
class OpenClConformanceTest extends BackendConformanceSuite {
    static final Conformance OPENCL = new Conformance(Device.parse("opencl"), "OpenCL");

    @Override protected Conformance conformance() { return OPENCL; }

    @BeforeAll static void requireOpenCl() {
        String reason = "";
        try {
            Backends.get(OPENCL.device());
        } catch (BackendUnavailableException e) {
            reason = e.getMessage();
        }
        Assumptions.assumeTrue(Backends.isAvailable(OPENCL.device()), "no OpenCL platform: " + reason);
    }

    @AfterAll static void summary() { System.out.println(OPENCL.summary()); }
}
