package org.magnet4j.convert;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's reusable off-heap buffer that storages are read into, checked, then copied out of. Reading into
 * native memory lets the kernel copy straight into it (a heap array would go through a hidden JDK bounce buffer),
 * and reusing it means no per-storage array to zero and collect. It holds at most the largest storage read so far.
 * Confined: only the thread that made it may use or close it.
 */
final class ScratchBuffer implements AutoCloseable {
    private Arena arena;
    private MemorySegment buffer = MemorySegment.NULL;

    /** A segment of {@code size} bytes, valid until the next call or close; its contents are whatever was there. */
    MemorySegment get(long size) {
        if (size > buffer.byteSize()) {
            close();
            arena = Arena.ofConfined();
            buffer = arena.allocate(size, 64);
        }
        return buffer.asSlice(0, size);
    }

    @Override public void close() {
        if (arena != null) arena.close();
        arena = null;
        buffer = MemorySegment.NULL;
    }
}
