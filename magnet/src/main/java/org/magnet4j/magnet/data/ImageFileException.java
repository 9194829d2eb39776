package org.magnet4j.magnet.data;

import java.nio.file.Path;

/** An image or data file that is missing, unreadable or malformed; the message names the file. */
public class ImageFileException extends RuntimeException {
    private final transient Path path;

    public ImageFileException(Path path, String message) { this(path, message, null); }

    public ImageFileException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The offending file. */
    public Path path() { return path; }
}
