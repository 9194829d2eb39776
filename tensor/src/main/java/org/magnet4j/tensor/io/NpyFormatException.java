package org.magnet4j.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/** A .npy file that cannot be read or written: the message names the file and the problem. */
public class NpyFormatException extends IOException {
    private final Path file;

    public NpyFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public NpyFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file concerned (may be null when the array did not come from a file). */
    public Path file() { return file; }
}
