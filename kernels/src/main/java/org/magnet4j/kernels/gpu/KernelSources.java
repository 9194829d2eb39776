package org.magnet4j.kernels.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The GPU kernels' sources: each op family's kernels are written once (resources org/magnet4j/kernels/gpu/
 * &lt;family&gt;.gpu, in the small dialect common.gpu describes) and become a CUDA or an OpenCL program when a device's
 * dialect file is put first. {@code kernels/src/main/cuda/build-ptx.sh} assembles the CUDA programs the same way,
 * byte for byte (the PTX records the hash of this text).
 */
public final class KernelSources {
    private static final String RES = "/org/magnet4j/kernels/";

    /** The op families, one source file each. */
    public static final List<String> FAMILIES = List.of("copy", "elementwise", "index", "linear", "pool", "reduce", "sampling", "sort");

    /** A device's dialect file: its resource path under org/magnet4j/kernels/. */
    public enum Dialect {
        CUDA("cuda/dialect.cuh"), OPENCL("opencl/dialect.h");

        final String path;

        Dialect(String path) { this.path = path; }
    }

    private KernelSources() {}

    /**
     * One family's whole program for a device: the dialect, common.gpu, then the family's source, each after a
     * {@code #line 1 "name"} so that compiler messages name the file and line they are about.
     */
    public static String program(Dialect dialect, String family) {
        if (!FAMILIES.contains(family)) throw new IllegalArgumentException("no kernel family " + family + " (have " + FAMILIES + ")");
        return part(dialect.path) + part("gpu/common.gpu") + part("gpu/" + family + ".gpu");
    }

    private static String part(String path) {
        return "#line 1 \"" + path.substring(path.lastIndexOf('/') + 1) + "\"\n" + resource(path);
    }

    private static String resource(String path) {
        try (InputStream in = KernelSources.class.getResourceAsStream(RES + path)) {
            if (in == null) throw new IllegalStateException("missing kernel source resource " + RES + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source resource " + RES + path, e);
        }
    }
}
