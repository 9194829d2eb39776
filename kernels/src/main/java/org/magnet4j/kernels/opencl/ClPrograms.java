package org.magnet4j.kernels.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.Pointer;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;
import org.magnet4j.kernels.gpu.KernelSources;

/**
 * Builds each kernel family's OpenCL C program ({@link KernelSources}: the shared source in the OpenCL dialect) at
 * first use, once per compute type,
 * and caches their binaries per device under ~/.cache/magnet4j/opencl/&lt;device-hash&gt;/&lt;source-hash&gt;.bin
 * (-Dmagnet.opencl.cacheDir or $MAGNET_OPENCL_CACHE override the folder; "none" turns the cache off). A missing,
 * stale or unwritable cache silently falls back to building from source.
 */
final class ClPrograms {

    private final ClContext ctx;
    private final Map<String, cl_program> programs = new ConcurrentHashMap<>();
    private final Map<String, cl_kernel> kernels = new ConcurrentHashMap<>();
    private final Path cacheDir;

    ClPrograms(ClContext ctx) {
        this.ctx = ctx;
        this.cacheDir = cacheRoot() == null ? null : cacheRoot().resolve(sha256(ctx.fingerprint).substring(0, 16));
    }

    static Path cacheRoot() {
        String dir = System.getProperty("magnet.opencl.cacheDir", System.getenv("MAGNET_OPENCL_CACHE"));
        if ("none".equals(dir)) return null;
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        return Path.of(System.getProperty("user.home"), ".cache", "magnet4j", "opencl");
    }

    /** A kernel of program file (e.g. "copy") built with compute type double (true) or float (false). */
    cl_kernel kernel(String file, boolean dbl, String name) {
        String key = file + (dbl ? ":d:" : ":f:") + name;
        cl_kernel k = kernels.get(key);
        if (k != null) return k;
        synchronized (this) {
            k = kernels.get(key);
            if (k != null) return k;
            cl_program p = program(file, dbl);
            int[] err = new int[1];
            k = clCreateKernel(p, name, err);
            if (err[0] != CL_SUCCESS) throw new ClException("clCreateKernel(" + name + ")", err[0], null);
            kernels.put(key, k);
            return k;
        }
    }

    private cl_program program(String file, boolean dbl) {
        String key = file + (dbl ? ":d" : ":f");
        cl_program p = programs.get(key);
        if (p != null) return p;
        String source = KernelSources.program(KernelSources.Dialect.OPENCL, file);
        String options = "-cl-std=CL1.2 -DACC=" + (dbl ? "double" : "float") + (ctx.fp64 ? " -DUSE_FP64" : "");
        String hash = sha256(source + "\u0000" + options);
        p = fromCache(hash, options);
        if (p == null) {
            p = fromSource(file, source, options);
            toCache(hash, p);
        }
        programs.put(key, p);
        return p;
    }

    private cl_program fromSource(String file, String source, String options) {
        int[] err = new int[1];
        cl_program p = clCreateProgramWithSource(ctx.context, 1, new String[] {source}, null, err);
        ClException.check("clCreateProgramWithSource(" + file + ".gpu)", err[0]);
        int rc = clBuildProgram(p, 1, new cl_device_id[] {ctx.device}, options, null, null);
        if (rc != CL_SUCCESS) throw new ClException("clBuildProgram(" + file + ".gpu, " + options + ")", rc, buildLog(p));
        return p;
    }

    private cl_program fromCache(String hash, String options) {
        if (cacheDir == null) return null;
        try {
            Path f = cacheDir.resolve(hash + ".bin");
            if (!Files.isRegularFile(f)) return null;
            byte[] bin = Files.readAllBytes(f);
            if (bin.length == 0) return null;
            int[] status = new int[1], err = new int[1];
            cl_program p = clCreateProgramWithBinary(ctx.context, 1, new cl_device_id[] {ctx.device}, new long[] {bin.length},
                    new byte[][] {bin}, status, err);
            if (err[0] != CL_SUCCESS || status[0] != CL_SUCCESS) {
                if (p != null && err[0] == CL_SUCCESS) clReleaseProgram(p);
                return null;
            }
            if (clBuildProgram(p, 1, new cl_device_id[] {ctx.device}, options, null, null) != CL_SUCCESS) {
                clReleaseProgram(p);
                return null;
            }
            return p;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void toCache(String hash, cl_program p) {
        if (cacheDir == null) return;
        try {
            long[] size = new long[1];
            if (clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, 8, Pointer.to(size), null) != CL_SUCCESS || size[0] <= 0) return;
            byte[] bin = new byte[(int) size[0]];
            if (clGetProgramInfo(p, CL_PROGRAM_BINARIES, 8, Pointer.to(Pointer.to(bin)), null) != CL_SUCCESS) return;
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, hash, ".tmp");
            Files.write(tmp, bin);
            Files.move(tmp, cacheDir.resolve(hash + ".bin"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // the cache is an optimisation only
        }
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, ctx.device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, ctx.device, CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            return new String(b, StandardCharsets.UTF_8).trim();
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
