package org.magnet4j.convert;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixtures (system property shared.dir, else ../shared of the repo or an ancestor) and test resources. */
final class Fixtures {
    private Fixtures() {}

    static Path sharedDir() {
        String prop = System.getProperty("shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "fixtures"))) return Path.of(prop);
        String repo = System.getProperty("repo.dir");
        if (repo != null && Files.isDirectory(Path.of(repo).resolve("../shared/fixtures"))) return Path.of(repo).resolve("../shared").normalize();
        // Worktrees live deeper than the main checkout; walk up until a shared/fixtures folder appears.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared/fixtures"))) return p.resolve("shared");
        }
        return null;
    }

    /** A fixture file; skips the test (with the reason) when the shared fixtures are not present. */
    static Path fixture(String relative) {
        Path shared = sharedDir();
        assumeTrue(shared != null, "shared fixtures not found (set -Dshared.dir=...; looked for ../shared/fixtures)");
        Path p = shared.resolve("fixtures").resolve(relative);
        assumeTrue(Files.exists(p), "fixture " + p + " is missing");
        return p;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("test resource " + name + " missing");
            return in.readAllBytes();
        }
    }

    static Path resourceFile(String name, Path dir) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, resource(name));
        return p;
    }
}
