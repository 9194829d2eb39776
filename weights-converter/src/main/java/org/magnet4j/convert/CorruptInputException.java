package org.magnet4j.convert;

/**
 * Internal: raised deep inside the parsers, where the file name is not known. {@link Checkpoints} turns it
 * into a {@link CheckpointException} that names the file.
 */
final class CorruptInputException extends RuntimeException {
    CorruptInputException(String problem) { super(problem, null, false, false); }
}
