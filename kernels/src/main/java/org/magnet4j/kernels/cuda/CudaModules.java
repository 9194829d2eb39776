package org.magnet4j.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.magnet4j.kernels.gpu.KernelSources;

/**
 * Loads the kernels (each family's program from {@link KernelSources}: the shared source in the CUDA dialect,
 * compute type float or double) as CUDA modules, once per family and type. Sources, in order (-Dmagnet.cuda.kernels=auto|ptx|nvrtc):
 * <ol>
 * <li>the PTX built at build time by nvcc (ptx/&lt;file&gt;.f.ptx / .d.ptx, compute_80, JIT-compiled by the driver
 * for the actual GPU), if its source hash matches the shipped sources (a stale PTX is never used);</li>
 * <li>the same PTX with its .version lowered to 8.0, when the driver is older than the nvcc that wrote it;</li>
 * <li>NVRTC at run time (libnvrtc.so.13/.12), for this GPU's compute capability.</li>
 * </ol>
 * Each kernel's parameter sizes are read from its PTX, so a launch with the wrong arguments fails with a clear
 * message instead of reading garbage.
 */
final class CudaModules {
    static final String RES = "/org/magnet4j/kernels/cuda/";
    static final String ARCH = "compute_80";

    /** A kernel: its handle and the byte size of each parameter. */
    record Kernel(String name, MemorySegment function, int[] paramSizes) {}

    private final CudaContext ctx;
    private final Map<String, Map<String, Kernel>> modules = new ConcurrentHashMap<>();
    /** How each module was obtained ("ptx", "ptx (version lowered)", "nvrtc 13.0"), for reports. */
    final Map<String, String> origins = new ConcurrentHashMap<>();

    CudaModules(CudaContext ctx) { this.ctx = ctx; }

    static String flags(boolean dbl) { return "-arch=" + ARCH + " -fmad=false -DACC=" + (dbl ? "double" : "float"); }

    Kernel kernel(String file, boolean dbl, String name) {
        String key = file + (dbl ? ".d" : ".f");
        Map<String, Kernel> m = modules.get(key);
        if (m == null) {
            synchronized (this) {
                m = modules.get(key);
                if (m == null) {
                    m = load(file, dbl);
                    modules.put(key, m);
                }
            }
        }
        Kernel k = m.get(name);
        if (k == null) throw new CudaException("kernel " + name + " not found in " + key + " (has " + m.keySet() + ")");
        return k;
    }

    private Map<String, Kernel> load(String file, boolean dbl) {
        String mode = System.getProperty("magnet.cuda.kernels", "auto");
        String key = file + (dbl ? ".d" : ".f");
        List<String> failures = new ArrayList<>();
        if (!mode.equals("nvrtc")) {
            byte[] ptx = resourceBytes("ptx/" + key + ".ptx");
            String want = sourceHash(file, dbl);
            if (ptx == null) failures.add("no prebuilt PTX resource " + RES + "ptx/" + key + ".ptx");
            else if (!firstLine(ptx).contains(want)) failures.add("the prebuilt PTX " + key + ".ptx is stale (built from other sources)");
            else {
                Map<String, Kernel> m = tryLoad(key, ptx, "ptx", failures);
                if (m != null) return m;
                byte[] lowered = lowerVersion(ptx);
                if (lowered != null) {
                    m = tryLoad(key, lowered, "ptx (.version lowered to 8.0)", failures);
                    if (m != null) return m;
                }
            }
        }
        if (!mode.equals("ptx")) {
            Nvrtc nvrtc;
            try {
                nvrtc = ctx.nvrtc();
            } catch (CudaException e) {
                failures.add(e.getMessage());
                nvrtc = null;
            }
            if (nvrtc != null) {
                String arch = "--gpu-architecture=compute_" + ctx.ccMajor + ctx.ccMinor;
                List<String> opts = List.of(arch, "--fmad=false", "-DACC=" + (dbl ? "double" : "float"));
                byte[] ptx = nvrtc.compile(KernelSources.program(KernelSources.Dialect.CUDA, file), file + ".cu", opts);
                Map<String, Kernel> m = tryLoad(key, ptx, "nvrtc " + nvrtc.version(), failures);
                if (m != null) return m;
            }
        }
        throw new CudaException("cannot load the CUDA kernels " + key + " (-Dmagnet.cuda.kernels=" + mode + "):\n  " + String.join("\n  ", failures)
                + "\n  To fix: use a driver that accepts the shipped PTX (CUDA 13+), or install NVRTC (pip install nvidia-cuda-nvrtc,"
                + " or the CUDA toolkit) so the kernels can be compiled here.");
    }

    private Map<String, Kernel> tryLoad(String key, byte[] ptx, String origin, List<String> failures) {
        ctx.bind();
        MemorySegment[] mod = new MemorySegment[1];
        String[] log = new String[1];
        int rc = ctx.driver.moduleLoad(ptx, mod, log);
        if (rc != 0) {
            failures.add("cuModuleLoadDataEx(" + key + ", " + origin + "): " + ctx.driver.errorName(rc) + " (" + rc + "): "
                    + ctx.driver.errorString(rc) + (log[0].isEmpty() ? "" : "\n    " + log[0].replace("\n", "\n    ")));
            return null;
        }
        Map<String, Kernel> m = new HashMap<>();
        for (Map.Entry<String, int[]> e : entries(new String(ptx, StandardCharsets.UTF_8)).entrySet())
            m.put(e.getKey(), new Kernel(e.getKey(), ctx.driver.function(mod[0], e.getKey()), e.getValue()));
        origins.put(key, origin);
        return m;
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern TYPE = Pattern.compile("\\.[usbf](8|16|32|64)\\b");
    private static final Pattern ARRAY = Pattern.compile("\\[(\\d+)\\]");

    /** Every .entry of a PTX text with its parameters' byte sizes (".param .u64 p", ".param .align 4 .b8 p[72]", ...). */
    static Map<String, int[]> entries(String ptx) {
        Map<String, int[]> out = new HashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Integer> sizes = new ArrayList<>();
            for (String param : m.group(2).split(",")) {
                if (param.isBlank()) continue;
                Matcher t = TYPE.matcher(param);
                if (!t.find()) throw new IllegalStateException("cannot read PTX parameter '" + param.trim() + "' of " + m.group(1));
                int elem = Integer.parseInt(t.group(1)) / 8;
                Matcher a = ARRAY.matcher(param);
                sizes.add(a.find() ? elem * Integer.parseInt(a.group(1)) : elem);
            }
            out.put(m.group(1), sizes.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** The PTX with its ".version X.Y" set to 8.0 (PTX ISA of CUDA 12.0), or null when it already is that low. */
    static byte[] lowerVersion(byte[] ptx) {
        String s = new String(ptx, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^\\.version (\\d+)\\.(\\d+)").matcher(s);
        if (!m.find() || Integer.parseInt(m.group(1)) < 8 || (m.group(1).equals("8") && m.group(2).equals("0"))) return null;
        return m.replaceFirst(".version 8.0").getBytes(StandardCharsets.UTF_8);
    }

    private static String firstLine(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != '\n') n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** sha256(the family's CUDA program ({@link KernelSources#program}) + "\n--\n" + nvcc flags), as build-ptx.sh writes into each PTX. */
    static String sourceHash(String file, boolean dbl) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(KernelSources.program(KernelSources.Dialect.CUDA, file).getBytes(StandardCharsets.UTF_8));
            md.update("\n--\n".getBytes(StandardCharsets.UTF_8));
            md.update(flags(dbl).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] resourceBytes(String name) {
        try (InputStream in = CudaModules.class.getResourceAsStream(RES + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RES + name, e);
        }
    }

    /** The kernel families (one PTX module each, per compute type). */
    static final List<String> FILES = KernelSources.FAMILIES;
}
