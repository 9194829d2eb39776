package org.magnet4j.magnet.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates the shared fixtures ({@code shared/fixtures}) for tests; tests that need them are skipped without. */
final class Fixtures {
    private Fixtures() {}

    /** {@code -Dshared.dir}, else the first {@code shared/} beside the repository or one of its parents. */
    static Path dir() {
        String prop = System.getProperty("shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "fixtures"))) return Path.of(prop, "fixtures");
        String start = System.getProperty("repo.dir", System.getProperty("user.dir"));
        for (Path p = Path.of(start).toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("shared/fixtures"))) return p.resolve("shared/fixtures");
        return null;
    }

    static boolean present() {
        Path d = dir();
        return d != null && Files.isRegularFile(d.resolve("images/639004_sat.jpg"));
    }

    /** The named file under fixtures/, or the test is skipped with a stated reason. */
    static Path require(String relative) {
        Path d = dir();
        Assumptions.assumeTrue(d != null && Files.exists(d.resolve(relative)),
                "shared fixtures not found (looked for shared/fixtures/" + relative + " beside the repository and its parents)");
        return d.resolve(relative);
    }

    static Path cityscapesImage() { return require("images/frankfurt_000001_003056_leftImg8bit.png"); }

    static Path deepglobeImage() { return require("images/639004_sat.jpg"); }
}
