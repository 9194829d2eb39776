package org.magnet4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library discovery without loading anything: search order, ELF check, the failure message, version decoding. */
class CudaLibrariesTest {
    @TempDir Path tmp;

    static void elf(Path f) throws IOException {
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    }

    static void linkerScript(Path f) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, "/* GNU ld script */\nGROUP ( /usr/lib/libcublas.so.13.0.0 )\n");
    }

    CudaLibraries libs(Map<String, String> env) { return new CudaLibraries(env, null, tmp.resolve("home")); }

    @Test void elfMagicOnlyCounts() throws IOException {
        Path e = tmp.resolve("a/libx.so.1"), s = tmp.resolve("b/libx.so.1");
        elf(e);
        linkerScript(s);
        assertTrue(CudaLibraries.isElf(e));
        assertFalse(CudaLibraries.isElf(s));
        assertFalse(CudaLibraries.isElf(tmp.resolve("missing.so")));
        assertFalse(CudaLibraries.isElf(tmp));
    }

    @Test void overrideComesFirstAndLinkerScriptsAreSkipped() throws IOException {
        Path over = tmp.resolve("override"), ld = tmp.resolve("ld");
        linkerScript(over.resolve("libcublas.so.13"));
        elf(over.resolve("libcublas.so.12"));
        elf(ld.resolve("libcublas.so.13"));
        CudaLibraries l = libs(Map.of("MAGNET_CUDA_LIB_PATH", over.toString(), "LD_LIBRARY_PATH", ld.toString()));
        List<CudaLibraries.Place> places = l.places();
        assertEquals(over, places.get(0).dir());
        assertEquals("MAGNET_CUDA_LIB_PATH", places.get(0).origin());
        assertEquals(ld, places.get(1).dir());
        // .13 in the override folder is a linker script: skipped, its .12 is taken (folder order before soname order)
        assertEquals(over.resolve("libcublas.so.12"), l.find(CudaLibraries.Lib.CUBLAS).file().orElseThrow());
    }

    @Test void overrideMayNameTheFileItself() throws IOException {
        Path f = tmp.resolve("x/libcudnn.so.9.10.0");
        elf(f);
        CudaLibraries l = libs(Map.of("MAGNET_CUDA_LIB_PATH", f.toString()));
        assertEquals(f, l.find(CudaLibraries.Lib.CUDNN).file().orElseThrow());
    }

    @Test void pythonWheelFoldersAreSearched() throws IOException {
        Path venv = tmp.resolve("venv");
        Path site = venv.resolve("lib/python3.12/site-packages");
        elf(site.resolve("nvidia/cu13/lib/libcublas.so.13"));
        elf(site.resolve("nvidia/cudnn/lib/libcudnn.so.9"));
        elf(site.resolve("nvidia/cuda_nvrtc/lib/libnvrtc.so.12"));
        CudaLibraries l = libs(Map.of("VIRTUAL_ENV", venv.toString()));
        assertEquals(site.resolve("nvidia/cu13/lib/libcublas.so.13"), l.find(CudaLibraries.Lib.CUBLAS).file().orElseThrow());
        assertEquals(site.resolve("nvidia/cudnn/lib/libcudnn.so.9"), l.find(CudaLibraries.Lib.CUDNN).file().orElseThrow());
        assertEquals(site.resolve("nvidia/cuda_nvrtc/lib/libnvrtc.so.12"), l.find(CudaLibraries.Lib.NVRTC).file().orElseThrow());
    }

    @Test void failureListsEveryPlaceAndTheFix() throws IOException {
        Path ld = tmp.resolve("ldpath"), script = tmp.resolve("scripts");
        Files.createDirectories(ld);
        linkerScript(script.resolve("libcuda.so.1"));
        CudaLibraries l = libs(Map.of("LD_LIBRARY_PATH", ld + ":" + script, "MAGNET_CUDA_LIB_PATH", tmp.resolve("nope").toString()));
        CudaLibraries.Result r = l.find(CudaLibraries.Lib.CUDA);
        if (r.file().isPresent()) return; // this machine has a real driver in a system folder
        String msg = r.failure();
        assertTrue(msg.contains("libcuda.so.1"), msg);
        assertTrue(msg.contains(ld + " (LD_LIBRARY_PATH)"), msg);
        assertTrue(msg.contains(tmp.resolve("nope") + " (MAGNET_CUDA_LIB_PATH, no such folder)"), msg);
        assertTrue(msg.contains("libcuda.so.1 is not an ELF file"), msg);
        assertTrue(msg.contains("/usr/local/cuda/lib64"), msg);
        assertTrue(msg.contains("/usr/lib/x86_64-linux-gnu"), msg);
        assertTrue(msg.contains("dynamic linker"), msg);
        assertTrue(msg.contains("install the NVIDIA GPU driver"), msg);
        assertTrue(msg.contains("MAGNET_CUDA_LIB_PATH"), msg);
    }

    @Test void cudnnVersionDecoding() {
        assertArrayEquals(new int[] {9, 3, 0}, CuDnn.decodeVersion(90300));
        assertArrayEquals(new int[] {9, 10, 2}, CuDnn.decodeVersion(91002));
        assertArrayEquals(new int[] {8, 9, 7}, CuDnn.decodeVersion(8907));
        assertArrayEquals(new int[] {8, 0, 5}, CuDnn.decodeVersion(8005));
        assertEquals("9.3.0", CuDnn.versionString(90300));
        assertEquals("13.0.2", CuBlas.versionString(130002));
    }
}
