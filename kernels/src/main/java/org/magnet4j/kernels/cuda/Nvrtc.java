package org.magnet4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/** NVRTC (libnvrtc.so.13 or .12) through FFM: compiles CUDA C source to PTX at run time, for machines without nvcc-built PTX. */
final class Nvrtc {
    final NativeLib lib;
    private final MethodHandle version, create, compile, logSize, log, ptxSize, ptx, destroy, errorString;

    Nvrtc(CudaLibraries.Loaded loaded) {
        lib = new NativeLib(loaded);
        version = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcVersion");
        create = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), "nvrtcCreateProgram");
        compile = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), "nvrtcCompileProgram");
        logSize = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLogSize");
        log = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLog");
        ptxSize = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTXSize");
        ptx = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTX");
        destroy = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS), "nvrtcDestroyProgram");
        errorString = lib.need(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvrtcGetErrorString");
    }

    String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ma = a.allocate(JAVA_INT), mi = a.allocate(JAVA_INT);
            check("nvrtcVersion", (int) version.invokeExact(ma, mi));
            return ma.get(JAVA_INT, 0) + "." + mi.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow("nvrtcVersion", t);
        }
    }

    private void check(String call, int rc) {
        if (rc == 0) return;
        String s;
        try {
            MemorySegment p = (MemorySegment) errorString.invokeExact(rc);
            s = p.equals(MemorySegment.NULL) ? "NVRTC error" : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            s = "NVRTC error";
        }
        throw new CudaException(call, rc, s, null);
    }

    /** PTX for a whole program (source, named name; no headers) and the options; the build log on failure. */
    byte[] compile(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            check("nvrtcCreateProgram(" + name + ")", (int) create.invokeExact(prog, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment p = prog.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                int rc = (int) compile.invokeExact(p, options.size(), opts);
                if (rc != 0) {
                    MemorySegment ls = a.allocate(JAVA_LONG);
                    String text = "";
                    if ((int) logSize.invokeExact(p, ls) == 0 && ls.get(JAVA_LONG, 0) > 1) {
                        MemorySegment buf = a.allocate(ls.get(JAVA_LONG, 0));
                        if ((int) log.invokeExact(p, buf) == 0) text = buf.getString(0);
                    }
                    throw new CudaException("nvrtcCompileProgram(" + name + ", " + String.join(" ", options) + ") failed (" + rc + "):\n" + text);
                }
                MemorySegment ps = a.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", (int) ptxSize.invokeExact(p, ps));
                MemorySegment buf = a.allocate(ps.get(JAVA_LONG, 0));
                check("nvrtcGetPTX", (int) ptx.invokeExact(p, buf));
                return buf.getString(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                int ignored = (int) destroy.invokeExact(prog);
            }
        } catch (Throwable t) {
            throw NativeLib.rethrow("nvrtc", t);
        }
    }
}
