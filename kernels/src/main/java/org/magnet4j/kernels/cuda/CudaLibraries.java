package org.magnet4j.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the CUDA libraries the backend binds through FFM: the driver (libcuda.so.1), cuBLAS (libcublas.so.13 or
 * .12, with its libcublasLt), cuDNN (libcudnn.so.9 or .8) and NVRTC (libnvrtc.so.13 or .12). Places searched, in
 * order: $MAGNET_CUDA_LIB_PATH and -Dmagnet.cuda.libPath (folders or files, ':'-separated), LD_LIBRARY_PATH,
 * $CUDA_HOME / $CUDA_PATH, /usr/local/cuda and /usr/local/cuda-* (lib64 and targets/x86_64-linux/lib), the
 * system library folders (incl. /usr/local/nvidia/lib64 of GPU containers), and the nvidia/&#42;/lib and torch/lib
 * folders of Python environments ($VIRTUAL_ENV, $CONDA_PREFIX, /opt/conda, ~/.local, /usr/local, /usr). Only real
 * ELF files count (a linker script named like the library is skipped). When no file is found the dynamic linker's
 * own search (ld.so.cache) is tried with the bare soname. Nothing is loaded until {@link #load} is called, so the
 * search itself is testable anywhere.
 */
public final class CudaLibraries {
    /** One library, its sonames in order of preference, and how to get it. */
    public enum Lib {
        CUDA("the CUDA driver", List.of("libcuda.so.1"),
                "install the NVIDIA GPU driver (it provides libcuda.so.1; in a container run it with the GPU exposed, e.g. docker --gpus all)"),
        CUBLAS("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"),
                "install the CUDA toolkit's cuBLAS (apt-get install libcublas-13-0, or pip install nvidia-cublas)"),
        CUDNN("cuDNN", List.of("libcudnn.so.9", "libcudnn.so.8"),
                "install cuDNN (apt-get install libcudnn9-cuda-13, or pip install nvidia-cudnn-cu13 / nvidia-cudnn-cu12)"),
        NVRTC("NVRTC (the run-time CUDA compiler)", List.of("libnvrtc.so.13", "libnvrtc.so.12"),
                "install NVRTC (apt-get install cuda-nvrtc-13-0, or pip install nvidia-cuda-nvrtc)");

        final String what;
        final List<String> sonames;
        final String fix;

        Lib(String what, List<String> sonames, String fix) {
            this.what = what;
            this.sonames = sonames;
            this.fix = fix;
        }

        public List<String> sonames() { return sonames; }
    }

    /** A folder to search and why it is on the list (e.g. "LD_LIBRARY_PATH"). */
    public record Place(Path dir, String origin) {}

    /** The outcome of searching for one library: the file (if any), and every place looked at. */
    public record Result(Lib lib, Optional<Path> file, List<String> looked) {
        /** "cuDNN (libcudnn.so.9 or libcudnn.so.8) not found; looked in: ...; fix: ...". */
        public String failure() {
            StringBuilder sb = new StringBuilder(lib.what + " (" + String.join(" or ", lib.sonames) + ") not found. Looked in:");
            for (String l : looked) sb.append("\n    ").append(l);
            sb.append("\n  To fix: ").append(lib.fix).append(", or set MAGNET_CUDA_LIB_PATH to the folder that holds it.");
            return sb.toString();
        }
    }

    private final Map<String, String> env;
    private final String libPathProperty;
    private final Path home;

    CudaLibraries(Map<String, String> env, String libPathProperty, Path home) {
        this.env = env;
        this.libPathProperty = libPathProperty;
        this.home = home;
    }

    /** The search as configured by this process's environment and system properties. */
    public static CudaLibraries system() {
        return new CudaLibraries(System.getenv(), System.getProperty("magnet.cuda.libPath"), Path.of(System.getProperty("user.home", "/root")));
    }

    /** Every folder searched, in order, without duplicates; folders that do not exist are kept (and reported). */
    public List<Place> places() {
        Map<Path, String> m = new LinkedHashMap<>();
        addList(m, env.get("MAGNET_CUDA_LIB_PATH"), "MAGNET_CUDA_LIB_PATH");
        addList(m, libPathProperty, "-Dmagnet.cuda.libPath");
        addList(m, env.get("LD_LIBRARY_PATH"), "LD_LIBRARY_PATH");
        for (String var : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String v = env.get(var);
            if (v == null || v.isBlank()) continue;
            add(m, Path.of(v, "lib64"), var);
            add(m, Path.of(v, "targets", "x86_64-linux", "lib"), var);
        }
        List<Path> cudas = new ArrayList<>();
        cudas.add(Path.of("/usr/local/cuda"));
        cudas.addAll(glob(Path.of("/usr/local"), "cuda-*"));
        for (Path c : cudas) {
            add(m, c.resolve("lib64"), "CUDA toolkit");
            add(m, c.resolve("targets/x86_64-linux/lib"), "CUDA toolkit");
        }
        for (String d : new String[] {"/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/lib/wsl/lib"})
            add(m, Path.of(d), "system");
        for (Path site : sitePackages()) {
            for (Path lib : glob(site.resolve("nvidia"), "*")) add(m, lib.resolve("lib"), "Python " + site);
            add(m, site.resolve("torch/lib"), "Python " + site);
        }
        String conda = env.get("CONDA_PREFIX");
        if (conda != null && !conda.isBlank()) add(m, Path.of(conda, "lib"), "CONDA_PREFIX");
        List<Place> out = new ArrayList<>();
        m.forEach((dir, origin) -> out.add(new Place(dir, origin)));
        return out;
    }

    /** Python site-packages folders of the usual environments. */
    List<Path> sitePackages() {
        List<Path> roots = new ArrayList<>();
        for (String var : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        roots.add(Path.of("/opt/conda"));
        roots.add(home.resolve(".local"));
        roots.add(Path.of("/usr/local"));
        roots.add(Path.of("/usr"));
        List<Path> sites = new ArrayList<>();
        for (Path r : roots)
            for (Path py : glob(r.resolve("lib"), "python3*")) {
                sites.add(py.resolve("site-packages"));
                sites.add(py.resolve("dist-packages"));
            }
        sites.add(Path.of("/usr/lib/python3/dist-packages"));
        String pp = env.get("PYTHONPATH");
        if (pp != null) for (String s : pp.split(":")) if (!s.isBlank()) sites.add(Path.of(s));
        List<Path> existing = new ArrayList<>();
        for (Path s : sites) if (Files.isDirectory(s) && !existing.contains(s)) existing.add(s);
        return existing;
    }

    private static void addList(Map<Path, String> m, String list, String origin) {
        if (list == null) return;
        for (String s : list.split(":")) {
            if (s.isBlank()) continue;
            Path p = Path.of(s.trim());
            add(m, p, origin);
        }
    }

    private static void add(Map<Path, String> m, Path p, String origin) { m.putIfAbsent(p.normalize(), origin); }

    /** Entries of dir matching a glob, newest version first (reverse name order), or none. */
    static List<Path> glob(Path dir, String pattern) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            for (Path p : ds) if (Files.isDirectory(p)) out.add(p);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        out.sort(Comparator.comparing(Path::toString).reversed());
        return out;
    }

    /** True for a readable regular file that starts with the ELF magic 0x7f 'E' 'L' 'F' (not a linker script). */
    public static boolean isElf(Path f) {
        if (!Files.isRegularFile(f)) return false;
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** Searches the places for the library; loads nothing. */
    public Result find(Lib lib) {
        List<String> looked = new ArrayList<>();
        for (Place pl : places()) {
            Path dir = pl.dir();
            // an entry of MAGNET_CUDA_LIB_PATH may name the library file itself
            if (Files.isRegularFile(dir) && lib.sonames.stream().anyMatch(s -> dir.getFileName().toString().startsWith(s.substring(0, s.indexOf(".so") + 3)))) {
                if (isElf(dir)) return new Result(lib, Optional.of(dir), looked);
                looked.add(dir + " (" + pl.origin() + "): not an ELF file, skipped");
                continue;
            }
            if (!Files.isDirectory(dir)) {
                looked.add(dir + " (" + pl.origin() + ", no such folder)");
                continue;
            }
            String note = "";
            for (String so : lib.sonames) {
                Path f = dir.resolve(so);
                if (!Files.exists(f)) continue;
                if (isElf(f)) return new Result(lib, Optional.of(f), looked);
                note += "; " + so + " is not an ELF file (a linker script?), skipped";
            }
            looked.add(dir + " (" + pl.origin() + ")" + note);
        }
        looked.add("the dynamic linker's default search (ld.so.cache, /etc/ld.so.conf): tried when loading");
        return new Result(lib, Optional.empty(), looked);
    }

    /** A loaded library: where it came from and its symbols. */
    public record Loaded(Lib lib, String source, SymbolLookup lookup) {}

    /**
     * Loads the library found by {@link #find}, else tries each soname through the dynamic linker's own search;
     * companions in the same folder (libcublasLt, cuDNN 9's sub-libraries, NVRTC's builtins) are loaded first.
     * Returns empty with the failure message in the Result when nothing loads.
     */
    public Optional<Loaded> load(Lib lib, List<String> errors) {
        Result r = find(lib);
        if (r.file().isPresent()) {
            Path f = r.file().get();
            preloadCompanions(lib, f);
            try {
                return Optional.of(new Loaded(lib, f.toString(), SymbolLookup.libraryLookup(f, Arena.global())));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                errors.add(lib.what + ": found " + f + " but it could not be loaded: " + e.getMessage());
            }
        }
        for (String so : lib.sonames) {
            try {
                return Optional.of(new Loaded(lib, so + " (via the dynamic linker)", SymbolLookup.libraryLookup(so, Arena.global())));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                // not on the linker's path either
            }
        }
        errors.add(r.failure());
        return Optional.empty();
    }

    private static void preloadCompanions(Lib lib, Path f) {
        Path dir = f.getParent();
        String name = f.getFileName().toString();
        String ver = name.substring(name.indexOf(".so") + 3); // ".13"
        List<Path> companions = new ArrayList<>();
        switch (lib) {
            case CUBLAS -> companions.add(dir.resolve("libcublasLt.so" + ver));
            case CUDNN -> {
                for (String s : new String[] {"graph", "engines_precompiled", "engines_runtime_compiled", "heuristic", "ops", "cnn", "adv",
                    "ops_infer", "ops_train", "cnn_infer", "cnn_train"})
                    companions.add(dir.resolve("libcudnn_" + s + ".so" + ver));
            }
            case NVRTC -> {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "libnvrtc-builtins.so*")) {
                    for (Path p : ds) companions.add(p);
                } catch (IOException | RuntimeException e) {
                    // none
                }
            }
            default -> {}
        }
        // two passes: a companion whose dependency is loaded later in the first pass loads in the second
        for (int pass = 0; pass < 2; pass++)
            for (var it = companions.iterator(); it.hasNext(); ) {
                Path c = it.next();
                if (!isElf(c)) {
                    it.remove();
                    continue;
                }
                try {
                    SymbolLookup.libraryLookup(c, Arena.global());
                    it.remove();
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    // retried in the next pass; the main library may not need it
                }
            }
    }

    /** A human-readable report: each library, where it was found, or the places looked at. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (Lib l : Lib.values()) {
            Result r = find(l);
            sb.append(String.format("%-8s %s%n", l.name().toLowerCase(), r.file().map(Path::toString).orElse("not found as a file (" + r.looked().size() + " places)")));
        }
        return sb.toString();
    }
}
