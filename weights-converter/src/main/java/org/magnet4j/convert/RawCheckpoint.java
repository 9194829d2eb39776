package org.magnet4j.convert;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * What a torch container reader produces: the unpickled object (tensors in it are {@link TensorRef}s, no data read
 * yet), where each storage's bytes are, and facts about the file for {@code inspect}.
 */
record RawCheckpoint(Object root, StorageSource storages, Map<String, String> info) {

    /** The bytes of root storages, checked to hold all the elements the pickle declared. */
    interface StorageSource {
        /** Exactly rootNumel * elementSize bytes, possibly in {@code scratch} (valid until its next use). */
        MemorySegment bytes(StorageRef ref, ScratchBuffer scratch);

        /**
         * The same bytes handed to {@code sink} in chunks, the last one possibly running past the storage's end; a
         * failure (a CRC mismatch) may come after the sink has seen bytes. By default one chunk.
         */
        default void stream(StorageRef ref, ScratchBuffer scratch, ZipContainer.ChunkSink sink) { sink.accept(bytes(ref, scratch), 0); }

        ByteOrder order();
    }
}
