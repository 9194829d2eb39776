package org.magnet4j.kernels.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Downcall handles into one loaded library; a symbol may be looked up under several names (e.g. cuMemAlloc_v2, cuMemAlloc). */
final class NativeLib {
    static final Linker LINKER = Linker.nativeLinker();

    final CudaLibraries.Loaded lib;

    NativeLib(CudaLibraries.Loaded lib) { this.lib = lib; }

    /** The first of the names the library exports, or null. */
    MethodHandle find(FunctionDescriptor fd, String... names) {
        for (String n : names) {
            Optional<MemorySegment> s = lib.lookup().find(n);
            if (s.isPresent()) return LINKER.downcallHandle(s.get(), fd);
        }
        return null;
    }

    /** As {@link #find}, but a missing symbol is an error naming the library file. */
    MethodHandle need(FunctionDescriptor fd, String... names) {
        MethodHandle h = find(fd, names);
        if (h == null)
            throw new CudaException(lib.source() + " does not export " + String.join(" or ", names) + " (too old a version?)");
        return h;
    }

    static RuntimeException rethrow(String call, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new CudaException(call + " failed: " + t, t);
    }
}
