package org.magnet4j.magnet.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.magnet4j.tensor.io.AtomicWrite;

/** Text files (JSON, logs) written with {@link AtomicWrite}: complete or absent. */
public final class AtomicText {
    private AtomicText() {}

    public static void write(Path target, String text) {
        try {
            AtomicWrite.write(target, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + target + ": " + e, e);
        }
    }
}
