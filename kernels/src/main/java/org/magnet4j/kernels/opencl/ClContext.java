package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/** One device's context and in-order command queue, and what the kernels need to know about the device. */
final class ClContext {
    final ClDevices.Entry entry;
    final cl_device_id device;
    final cl_context context;
    final cl_command_queue queue;
    final boolean fp64;
    final long maxWorkGroup;
    final long globalMem;
    final ClProfiler profiler;
    /** Stable identity of device + driver for the program-binary cache. */
    final String fingerprint;

    ClContext(ClDevices.Entry e) {
        this.entry = e;
        this.device = e.device();
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, e.platform());
        int[] err = new int[1];
        context = clCreateContext(props, 1, new cl_device_id[] {device}, null, null, err);
        ClException.check("clCreateContext", err[0]);
        boolean profile = Boolean.getBoolean("magnet.opencl.profile");
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(context, device, profile ? CL_QUEUE_PROFILING_ENABLE : 0, err);
        ClException.check("clCreateCommandQueue", err[0]);
        queue = q;
        String ext = ClDevices.deviceString(device, CL_DEVICE_EXTENSIONS);
        fp64 = ext.contains("cl_khr_fp64") || ClDevices.deviceLong(device, CL_DEVICE_DOUBLE_FP_CONFIG) != 0;
        maxWorkGroup = ClDevices.deviceSizeT(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        globalMem = ClDevices.deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        profiler = profile ? new ClProfiler() : null;
        fingerprint = e.platformName() + "|" + ClDevices.platformString(e.platform(), CL_PLATFORM_VERSION) + "|" + e.name()
                + "|" + ClDevices.deviceString(device, CL_DEVICE_VERSION) + "|" + ClDevices.deviceString(device, CL_DRIVER_VERSION);
    }

    void finish() { ClException.check("clFinish", clFinish(queue)); }
}
