package org.magnet4j.kernels.opencl;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;

/** Device selection, errors, the buffer pool, the program-binary cache, and moving data and gradients between devices. */
class OpenClRuntimeTest {
    static OpenClBackend be;

    @BeforeAll static void requireOpenCl() {
        String reason = "";
        try {
            Backends.get(OpenClConformanceTest.OPENCL.device());
        } catch (BackendUnavailableException e) {
            reason = e.getMessage();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Backends.isAvailable(OpenClConformanceTest.OPENCL.device()), "no OpenCL platform: " + reason);
        be = (OpenClBackend) Backends.get(OpenClConformanceTest.OPENCL.device());
    }

    @Test void deviceIndexOutOfRangeListsDevices() {
        int n = ClDevices.list().size();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.get(new Device("opencl", n + 3)));
        assertTrue(e.getMessage().contains("opencl:0"), e.getMessage());
        assertFalse(Backends.isAvailable(new Device("opencl", n + 3)));
    }

    @Test void clErrorsNameTheCallAndTheError() {
        ClException e = assertThrows(ClException.class, () -> ClException.check("clFoo", org.jocl.CL.CL_INVALID_VALUE));
        assertEquals("clFoo: CL_INVALID_VALUE (-30)", e.getMessage());
    }

    @Test void buildErrorsCarryTheLog() {
        ClPrograms p = new ClPrograms(be.ctx);
        ClException e = assertThrows(ClException.class, () -> p.kernel("copy", false, "no_such_kernel"));
        assertTrue(e.getMessage().startsWith("clCreateKernel(no_such_kernel): CL_INVALID_KERNEL_NAME"), e.getMessage());
    }

    @Test void poolReusesBuffersOfCollectedStorages() throws Exception {
        for (int round = 0; round < 5 && be.pool.cachedBytes() == 0; round++) {
            for (int i = 0; i < 50; i++) Tensor.zeros(OpenClConformanceTest.OPENCL.device(), DType.FLOAT32, 1000 + i);
            System.gc();
            Thread.sleep(100);
        }
        assertTrue(be.pool.cachedBytes() > 0, "collected storages went back to the pool");
        // a recycled buffer is zero-filled again by allocate
        Tensor z = Tensor.zeros(OpenClConformanceTest.OPENCL.device(), DType.FLOAT32, 1000);
        assertEquals(0.0, z.abs().sum().item());
        assertEquals(BufferPool.sizeClass(1000 * 4), BufferPool.sizeClass(1000 * 4 + 3));
        assertTrue(BufferPool.sizeClass(1 << 20) - (1 << 20) <= (1 << 20) / 8);
    }

    @Test void programBinariesAreCachedAndAStaleCacheIsIgnored(@TempDir Path dir) throws Exception {
        String old = System.getProperty("magnet.opencl.cacheDir");
        System.setProperty("magnet.opencl.cacheDir", dir.toString());
        try {
            new ClPrograms(be.ctx).kernel("copy", false, "copy_view");
            Path devDir;
            try (var s = Files.list(dir)) { devDir = s.findFirst().orElseThrow(); }
            Path bin;
            try (var s = Files.list(devDir)) { bin = s.filter(f -> f.toString().endsWith(".bin")).findFirst().orElseThrow(); }
            assertTrue(Files.size(bin) > 0);
            new ClPrograms(be.ctx).kernel("copy", false, "copy_view"); // loads from the cache
            Files.write(bin, new byte[] {1, 2, 3, 4}); // corrupt: must fall back to a rebuild
            new ClPrograms(be.ctx).kernel("copy", false, "fill_view");
        } finally {
            if (old == null) System.clearProperty("magnet.opencl.cacheDir");
            else System.setProperty("magnet.opencl.cacheDir", old);
        }
    }

    @Test void gradientsFlowBackAcrossDevices() {
        Tensor x = Tensor.randn(new SplittableRandom(5), 3, 4).requiresGrad(true);
        Tensor y = x.to(OpenClConformanceTest.OPENCL.device()).mul(3.0).sum();
        assertEquals(OpenClConformanceTest.OPENCL.device(), y.device());
        y.backward();
        assertEquals(Device.CPU, x.grad().device());
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, x.grad().toFloatArray());
    }

    @Test void oneElementCpuTensorsJoinTheOtherDevice() {
        Tensor counter = Tensor.zeros(OpenClConformanceTest.OPENCL.device(), DType.INT64);
        Tensor next = counter.add(Tensor.fromArray(new long[] {1})).reshape();
        assertEquals(OpenClConformanceTest.OPENCL.device(), next.device());
        assertEquals(1.0, next.item());
    }
}
