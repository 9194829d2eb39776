package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.magnet4j.tensor.BackendUnavailableException;

/**
 * Enumerates OpenCL devices over all platforms, GPUs first (then accelerators, then CPUs and others), so that
 * "opencl:N" names the N-th of that list and plain "opencl" the first GPU when there is one.
 */
final class ClDevices {
    private ClDevices() {}

    static final String INSTALL_HINT = "install an OpenCL ICD, e.g. on Debian/Ubuntu `apt-get install pocl-opencl-icd ocl-icd-libopencl1`"
            + " (a portable CPU implementation) or your GPU vendor's OpenCL driver";

    record Entry(cl_platform_id platform, cl_device_id device, String platformName, String name, long type) {
        String describe() { return name + " [" + typeName(type) + "] on " + platformName; }
    }

    /** Every device; throws BackendUnavailableException when the OpenCL library or any platform is missing. */
    static List<Entry> list() {
        try {
            CL.setExceptionsEnabled(false);
            int[] n = new int[1];
            int rc = clGetPlatformIDs(0, null, n);
            if (rc == CL_PLATFORM_NOT_FOUND_KHR || (rc == CL_SUCCESS && n[0] == 0))
                throw new BackendUnavailableException("no OpenCL platform found (the OpenCL loader found no ICD); " + INSTALL_HINT);
            ClException.check("clGetPlatformIDs", rc);
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            ClException.check("clGetPlatformIDs", clGetPlatformIDs(platforms.length, platforms, null));
            List<Entry> gpus = new ArrayList<>(), accels = new ArrayList<>(), others = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                int[] nd = new int[1];
                rc = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
                if (rc == CL_DEVICE_NOT_FOUND || nd[0] == 0) continue;
                ClException.check("clGetDeviceIDs", rc);
                cl_device_id[] ds = new cl_device_id[nd[0]];
                ClException.check("clGetDeviceIDs", clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ds.length, ds, null));
                String pname = platformString(p, CL_PLATFORM_NAME);
                for (cl_device_id d : ds) {
                    long type = deviceLong(d, CL_DEVICE_TYPE);
                    Entry e = new Entry(p, d, pname, deviceString(d, CL_DEVICE_NAME), type);
                    if ((type & CL_DEVICE_TYPE_GPU) != 0) gpus.add(e);
                    else if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) accels.add(e);
                    else others.add(e);
                }
            }
            List<Entry> all = new ArrayList<>(gpus);
            all.addAll(accels);
            all.addAll(others);
            if (all.isEmpty()) throw new BackendUnavailableException("OpenCL platforms exist but none has a device; " + INSTALL_HINT);
            return all;
        } catch (LinkageError e) {
            throw new BackendUnavailableException(linkFailure(e), e);
        }
    }

    /**
     * Why JOCL could not load. JOCL opens "libOpenCL.so" (the development symlink), not "libOpenCL.so.1", so a
     * machine with only the runtime loader installed needs the symlink too.
     */
    static String linkFailure(Throwable e) {
        boolean runtimeOnly = false;
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"}) {
            if (java.nio.file.Files.exists(java.nio.file.Path.of(dir, "libOpenCL.so"))) return "the OpenCL library could not be loaded ("
                    + e.getMessage() + "); " + INSTALL_HINT;
            if (java.nio.file.Files.exists(java.nio.file.Path.of(dir, "libOpenCL.so.1"))) runtimeOnly = true;
        }
        if (runtimeOnly) return "JOCL looks for libOpenCL.so but only libOpenCL.so.1 is installed: install `ocl-icd-opencl-dev`"
                + " (or link libOpenCL.so to libOpenCL.so.1 on the library path); then, if no device shows up, " + INSTALL_HINT;
        return "no OpenCL library (libOpenCL.so) found (" + e.getMessage() + "); " + INSTALL_HINT + ", plus `ocl-icd-opencl-dev`"
                + " for the libOpenCL.so link that JOCL loads";
    }

    static Entry select(int index) {
        List<Entry> all = list();
        if (index >= all.size()) {
            StringBuilder sb = new StringBuilder("opencl:" + index + " does not exist; this machine has " + all.size() + " OpenCL device(s):");
            for (int i = 0; i < all.size(); i++) sb.append("\n  opencl:").append(i).append(" ").append(all.get(i).describe());
            throw new BackendUnavailableException(sb.toString());
        }
        return all.get(index);
    }

    static String typeName(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) return "accelerator";
        if ((type & CL_DEVICE_TYPE_CPU) != 0) return "CPU";
        return "other";
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        ClException.check("clGetPlatformInfo", clGetPlatformInfo(p, param, 0, null, size));
        byte[] b = new byte[(int) size[0]];
        ClException.check("clGetPlatformInfo", clGetPlatformInfo(p, param, b.length, Pointer.to(b), null));
        return cString(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        ClException.check("clGetDeviceInfo", clGetDeviceInfo(d, param, 0, null, size));
        byte[] b = new byte[(int) size[0]];
        ClException.check("clGetDeviceInfo", clGetDeviceInfo(d, param, b.length, Pointer.to(b), null));
        return cString(b);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        ClException.check("clGetDeviceInfo", clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null));
        return v[0];
    }

    static long deviceSizeT(cl_device_id d, int param) {
        long[] v = new long[1];
        ClException.check("clGetDeviceInfo", clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null));
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
