package org.magnet4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped PTX: present for every source and compute type, built from the current sources, and naming every kernel the Java launches. */
class CudaKernelsTest {
    @Test void ptxIsUpToDateWithTheSources() {
        for (String f : CudaModules.FILES)
            for (boolean dbl : new boolean[] {false, true}) {
                String name = "ptx/" + f + (dbl ? ".d" : ".f") + ".ptx";
                byte[] ptx = CudaModules.resourceBytes(name);
                assertNotNull(ptx, "missing " + name + ": run kernels/src/main/cuda/build-ptx.sh --update");
                String first = new String(ptx, 0, 120, StandardCharsets.UTF_8);
                assertTrue(first.contains("magnet4j-source-sha256: " + CudaModules.sourceHash(f, dbl)),
                        name + " is stale (a kernel source or the CUDA dialect changed): run kernels/src/main/cuda/build-ptx.sh --update");
            }
    }

    @Test void ptxParameterParsing() {
        Map<String, int[]> e = CudaModules.entries(new String(CudaModules.resourceBytes("ptx/copy.f.ptx"), StandardCharsets.UTF_8));
        assertArrayEquals(new int[] {8, 4, 72, 8, 4, 72, 4}, e.get("copy_view"));
        assertArrayEquals(new int[] {8, 4, 72, 4, 4}, e.get("fill_view"));
        Map<String, int[]> d = CudaModules.entries(new String(CudaModules.resourceBytes("ptx/copy.d.ptx"), StandardCharsets.UTF_8));
        assertArrayEquals(new int[] {8, 4, 72, 4, 8}, d.get("fill_view"));
        Map<String, int[]> odd = CudaModules.entries(".visible .entry k(\n .param .u64 .ptr .global .align 4 k_param_0,\n .param .f64 k_param_1\n)");
        assertArrayEquals(new int[] {8, 8}, odd.get("k"));
    }

    @Test void versionLowering() {
        byte[] p = ".version 9.0\n.target sm_80\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(".version 8.0\n.target sm_80\n", new String(CudaModules.lowerVersion(p), StandardCharsets.UTF_8));
        assertEquals(null, CudaModules.lowerVersion(".version 8.0\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** Every launch("file", type, "kernel") in the backend's sources (its own and the shared GPU op families) names a kernel of that file's PTX. */
    @Test void everyLaunchedKernelExists() throws IOException {
        Pattern p = Pattern.compile("launch\\(\"(\\w+)\",\\s*[^,]+,\\s*\"(\\w+)\"\\)");
        int found = 0;
        for (String pkg : new String[] {"cuda", "gpu"}) {
            Path src = Path.of(System.getProperty("repo.dir", "."), "kernels/src/main/java/org/magnet4j/kernels", pkg);
            if (!Files.isDirectory(src)) src = Path.of("src/main/java/org/magnet4j/kernels", pkg);
            int inPackage = 0;
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    Matcher m = p.matcher(Files.readString(f));
                    while (m.find()) {
                        inPackage++;
                        for (String t : new String[] {".f", ".d"}) {
                            byte[] ptx = CudaModules.resourceBytes("ptx/" + m.group(1) + t + ".ptx");
                            assertNotNull(ptx, m.group(1) + t);
                            assertTrue(CudaModules.entries(new String(ptx, StandardCharsets.UTF_8)).containsKey(m.group(2)),
                                    f.getFileName() + " launches " + m.group(2) + " which " + m.group(1) + t + ".ptx lacks");
                        }
                    }
                }
            }
            assertTrue(inPackage > 0, "found only " + inPackage + " launches in " + src);
            found += inPackage;
        }
        assertTrue(found > 30, "found only " + found + " launches");
    }
}
