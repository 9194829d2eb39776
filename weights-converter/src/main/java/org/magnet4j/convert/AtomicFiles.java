package org.magnet4j.convert;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.magnet4j.tensor.io.AtomicWrite;

/** {@link AtomicWrite} with the converter's exception: the file appears complete or not at all. */
final class AtomicFiles {
    @FunctionalInterface
    interface Body {
        void write(FileChannel ch) throws IOException;
    }

    private AtomicFiles() {}

    static void write(Path target, Body body) throws CheckpointException {
        try {
            AtomicWrite.write(target, body::write);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(target.toString(), "cannot write: " + e, e);
        }
    }
}
