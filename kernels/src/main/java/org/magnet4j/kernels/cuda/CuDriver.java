package org.magnet4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API (libcuda.so.1) through FFM. Names are those cuda.h maps to (cuMemAlloc is cuMemAlloc_v2,
 * and so on); CUdeviceptr is a long, handles (CUcontext, CUmodule, CUfunction, CUstream, CUevent) are addresses.
 * Every failing call throws a {@link CudaException} naming the call and the CUDA error name and string.
 */
final class CuDriver {
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_INVALID_PTX = 218;
    static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    static final int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

    final NativeLib lib;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute,
            cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuCtxSetCurrent, cuCtxSynchronize, cuMemAlloc, cuMemFree, cuMemGetInfo,
            cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8Async, cuStreamCreate, cuStreamSynchronize,
            cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy, cuModuleLoadDataEx,
            cuModuleGetFunction, cuLaunchKernel, cuGetErrorName, cuGetErrorString;

    CuDriver(CudaLibraries.Loaded loaded) {
        lib = new NativeLib(loaded);
        FunctionDescriptor iI = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        FunctionDescriptor iA = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuGetErrorName = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cuGetErrorName");
        cuGetErrorString = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cuGetErrorString");
        cuInit = lib.need(iI, "cuInit");
        cuDriverGetVersion = lib.need(iA, "cuDriverGetVersion");
        cuDeviceGetCount = lib.need(iA, "cuDeviceGetCount");
        cuDeviceGet = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceGet");
        cuDeviceGetName = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetName");
        cuDeviceGetAttribute = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetAttribute");
        cuDeviceTotalMem = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceTotalMem_v2", "cuDeviceTotalMem");
        cuDevicePrimaryCtxRetain = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDevicePrimaryCtxRetain");
        cuCtxSetCurrent = lib.need(iA, "cuCtxSetCurrent");
        cuCtxSynchronize = lib.need(FunctionDescriptor.of(JAVA_INT), "cuCtxSynchronize");
        cuMemAlloc = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), "cuMemAlloc_v2");
        cuMemFree = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_LONG), "cuMemFree_v2");
        cuMemGetInfo = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cuMemGetInfo_v2");
        cuMemcpyHtoDAsync = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), "cuMemcpyHtoDAsync_v2");
        cuMemcpyDtoHAsync = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS), "cuMemcpyDtoHAsync_v2");
        cuMemcpyDtoDAsync = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), "cuMemcpyDtoDAsync_v2");
        cuMemsetD8Async = lib.need(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS), "cuMemsetD8Async");
        cuStreamCreate = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuStreamCreate");
        cuStreamSynchronize = lib.need(iA, "cuStreamSynchronize");
        cuEventCreate = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuEventCreate");
        cuEventRecord = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cuEventRecord");
        cuEventSynchronize = lib.need(iA, "cuEventSynchronize");
        cuEventElapsedTime = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuEventDestroy = lib.need(iA, "cuEventDestroy_v2", "cuEventDestroy");
        cuModuleLoadDataEx = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), "cuModuleLoadDataEx");
        cuModuleGetFunction = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuModuleGetFunction");
        cuLaunchKernel = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuLaunchKernel");
    }

    // ---- errors ---------------------------------------------------------------------------------------------
    String errorName(int rc) { return cstr(cuGetErrorName, rc, "CUDA error"); }

    String errorString(int rc) { return cstr(cuGetErrorString, rc, ""); }

    private static String cstr(MethodHandle h, int rc, String dflt) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) h.invokeExact(rc, p);
            MemorySegment s = p.get(ADDRESS, 0);
            if (r != 0 || s.equals(MemorySegment.NULL)) return dflt;
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return dflt;
        }
    }

    void check(String call, int rc) {
        if (rc != 0) throw new CudaException(call, rc, errorName(rc), errorString(rc));
    }

    // ---- device and context ---------------------------------------------------------------------------------
    void init() {
        try {
            check("cuInit", (int) cuInit.invokeExact(0));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuInit", t);
        }
    }

    int driverVersion() { return intOut("cuDriverGetVersion", cuDriverGetVersion); }

    int deviceCount() { return intOut("cuDeviceGetCount", cuDeviceGetCount); }

    private int intOut(String call, MethodHandle h) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check(call, (int) h.invokeExact(p));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow(call, t);
        }
    }

    int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDeviceGet(" + ordinal + ")", (int) cuDeviceGet.invokeExact(p, ordinal));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuDeviceGet", t);
        }
    }

    String deviceName(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(p, 256, dev));
            return p.getString(0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuDeviceGetName", t);
        }
    }

    int attribute(int dev, int attr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute(" + attr + ")", (int) cuDeviceGetAttribute.invokeExact(p, attr, dev));
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuDeviceGetAttribute", t);
        }
    }

    long totalMem(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem", (int) cuDeviceTotalMem.invokeExact(p, dev));
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuDeviceTotalMem", t);
        }
    }

    /** {free, total} bytes of the current context's device. */
    long[] memInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG), t = a.allocate(JAVA_LONG);
            check("cuMemGetInfo", (int) cuMemGetInfo.invokeExact(f, t));
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemGetInfo", t);
        }
    }

    MemorySegment primaryContext(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(p, dev));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuDevicePrimaryCtxRetain", t);
        }
    }

    void setCurrent(MemorySegment ctx) {
        try {
            check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(ctx));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuCtxSetCurrent", t);
        }
    }

    void ctxSynchronize() {
        try {
            check("cuCtxSynchronize", (int) cuCtxSynchronize.invokeExact());
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuCtxSynchronize", t);
        }
    }

    // ---- memory ---------------------------------------------------------------------------------------------
    /** cuMemAlloc; returns the CUresult (the pool retries on out-of-memory) with the pointer in out[0]. */
    int memAlloc(long bytes, long[] out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int rc = (int) cuMemAlloc.invokeExact(p, bytes);
            out[0] = p.get(JAVA_LONG, 0);
            return rc;
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemAlloc_v2", t);
        }
    }

    void memFree(long ptr) {
        try {
            check("cuMemFree_v2", (int) cuMemFree.invokeExact(ptr));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemFree_v2", t);
        }
    }

    void memcpyHtoD(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyHtoDAsync_v2(" + bytes + " bytes)", (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemcpyHtoDAsync_v2", t);
        }
    }

    void memcpyDtoH(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoHAsync_v2(" + bytes + " bytes)", (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemcpyDtoHAsync_v2", t);
        }
    }

    void memcpyDtoD(long dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoDAsync_v2(" + bytes + " bytes)", (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemcpyDtoDAsync_v2", t);
        }
    }

    void memsetD8(long dst, byte value, long bytes, MemorySegment stream) {
        try {
            check("cuMemsetD8Async(" + bytes + " bytes)", (int) cuMemsetD8Async.invokeExact(dst, value, bytes, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuMemsetD8Async", t);
        }
    }

    // ---- streams and events ---------------------------------------------------------------------------------
    MemorySegment streamCreate() { return handleOut("cuStreamCreate", cuStreamCreate); }

    void streamSynchronize(MemorySegment stream) {
        try {
            check("cuStreamSynchronize", (int) cuStreamSynchronize.invokeExact(stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuStreamSynchronize", t);
        }
    }

    MemorySegment eventCreate() { return handleOut("cuEventCreate", cuEventCreate); }

    private MemorySegment handleOut(String call, MethodHandle h) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check(call, (int) h.invokeExact(p, 0));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow(call, t);
        }
    }

    void eventRecord(MemorySegment ev, MemorySegment stream) {
        try {
            check("cuEventRecord", (int) cuEventRecord.invokeExact(ev, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuEventRecord", t);
        }
    }

    void eventSynchronize(MemorySegment ev) {
        try {
            check("cuEventSynchronize", (int) cuEventSynchronize.invokeExact(ev));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuEventSynchronize", t);
        }
    }

    float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", (int) cuEventElapsedTime.invokeExact(p, start, end));
            return p.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuEventElapsedTime", t);
        }
    }

    void eventDestroy(MemorySegment ev) {
        try {
            check("cuEventDestroy", (int) cuEventDestroy.invokeExact(ev));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuEventDestroy", t);
        }
    }

    // ---- modules and launches -------------------------------------------------------------------------------
    /** Loads a PTX (or cubin) image; returns the CUresult, with the module in out[0] and the JIT error log in log[0]. */
    int moduleLoad(byte[] image, MemorySegment[] out, String[] log) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment img = a.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, img, JAVA_BYTE, 0, image.length);
            int logSize = 16384;
            MemorySegment logBuf = a.allocate(logSize);
            MemorySegment opts = a.allocate(JAVA_INT, 2);
            opts.setAtIndex(JAVA_INT, 0, CU_JIT_ERROR_LOG_BUFFER);
            opts.setAtIndex(JAVA_INT, 1, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment vals = a.allocate(ADDRESS, 2);
            vals.setAtIndex(ADDRESS, 0, logBuf);
            vals.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(logSize));
            MemorySegment p = a.allocate(ADDRESS);
            int rc = (int) cuModuleLoadDataEx.invokeExact(p, img, 2, opts, vals);
            out[0] = p.get(ADDRESS, 0);
            log[0] = logBuf.getString(0).trim();
            return rc;
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuModuleLoadDataEx", t);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", (int) cuModuleGetFunction.invokeExact(p, module, a.allocateFrom(name)));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuModuleGetFunction", t);
        }
    }

    void launch(String name, MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz, MemorySegment stream, MemorySegment params) {
        try {
            int rc = (int) cuLaunchKernel.invokeExact(f, gx, gy, gz, bx, by, bz, 0, stream, params, MemorySegment.NULL);
            if (rc != 0) check("cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + "x" + bz + ")", rc);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuLaunchKernel", t);
        }
    }
}
