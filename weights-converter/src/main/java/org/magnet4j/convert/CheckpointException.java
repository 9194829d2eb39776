package org.magnet4j.convert;

import java.io.IOException;

/**
 * The one exception the converter throws for a file it cannot read or write: broken, truncated, hostile or
 * unsupported input. The message always starts with the file (or source name) and then says what is wrong.
 */
public class CheckpointException extends IOException {
    private final String source;
    private final String problem;

    public CheckpointException(String source, String problem) { this(source, problem, null); }

    public CheckpointException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** The file or source name the problem was found in. */
    public String source() { return source; }

    /** The problem alone, without the source name. */
    public String problem() { return problem; }
}
