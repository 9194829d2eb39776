package org.magnet4j.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one of the repository's PyTorch scripts with /usr/bin/python3 (or $MAGNET_PYTHON) in the same
 * invocation as a Java measurement, and reads the JSON line it prints last. Absent torch: empty result.
 */
final class PyTorchRunner {
    private final String python;
    private final Path repo;

    PyTorchRunner(Path repo) {
        this.python = System.getenv().getOrDefault("MAGNET_PYTHON", "/usr/bin/python3");
        this.repo = repo;
    }

    /** The repository root: where parity/ lives (the jar sits in tools/target). */
    static Path findRepo() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(PyTorchRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath());
        } catch (Exception ignored) {
            // running from an unusual class loader: the working directory is enough
        }
        for (Path s : starts)
            for (Path p = s; p != null; p = p.getParent())
                if (Files.isDirectory(p.resolve("parity/bench"))) return p;
        return null;
    }

    /** Null when Python or torch is missing; the reason is printed. */
    JsonObject run(String script, List<String> args) {
        if (repo == null) {
            System.out.println("PyTorch comparison skipped: parity/ scripts not found (run from the repository)");
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(python, repo.resolve(script).toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            if (rc != 0 || !last.startsWith("{")) {
                System.out.println("PyTorch comparison skipped: " + String.join(" ", cmd) + " failed (exit " + rc + "): "
                        + (out.contains("No module named 'torch'") ? "no torch for " + python + " (apt-get install python3-torch python3-torchvision)" : last));
                return null;
            }
            return JsonParser.parseString(last).getAsJsonObject();
        } catch (IOException e) {
            System.out.println("PyTorch comparison skipped: cannot start " + python + ": " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
