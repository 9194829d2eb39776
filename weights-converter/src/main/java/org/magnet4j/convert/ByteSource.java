package org.magnet4j.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random access to the bytes of a checkpoint: a file read with positional reads, or an array in memory.
 * <p>
 * Files are read, not memory-mapped: measured on the HRNet checkpoint, mapping and unmapping a 25 MB file per load
 * cost more (page faults, TLB shootdowns) than reading each storage into a reused off-heap {@link ScratchBuffer},
 * which holds one storage at a time, so loading never holds more than one storage's worth of extra memory per thread.
 * Reads are thread-safe.
 */
interface ByteSource {
    long size();

    /** Bytes [offset, offset + length) as a segment; the caller has checked the range lies inside {@link #size()}. */
    MemorySegment read(long offset, long length);

    /**
     * Bytes [offset, offset + length) for a short while: a view where the bytes are already in memory, else read
     * into {@code scratch} (so valid only until its next use).
     */
    default MemorySegment read(long offset, long length, ScratchBuffer scratch) { return read(offset, length); }

    /** Copies bytes [offset, offset + length) into dst[at ...]. */
    default void readInto(long offset, byte[] dst, int at, int length) {
        MemorySegment.copy(read(offset, length), ValueLayout.JAVA_BYTE, 0, dst, at, length);
    }

    static ByteSource of(MemorySegment bytes) {
        return new ByteSource() {
            @Override public long size() { return bytes.byteSize(); }

            @Override public MemorySegment read(long offset, long length) { return bytes.asSlice(offset, length); }

            @Override public void readInto(long offset, byte[] dst, int at, int length) {
                MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, offset, dst, at, length);
            }
        };
    }

    static ByteSource of(FileChannel ch, long size) {
        return new ByteSource() {
            @Override public long size() { return size; }

            @Override public MemorySegment read(long offset, long length) {
                if (length > Shapes.MAX_ELEMENTS) throw new CorruptInputException("a single record of " + length + " bytes is too large to read");
                byte[] b = new byte[(int) length];
                readInto(offset, b, 0, b.length);
                return MemorySegment.ofArray(b);
            }

            @Override public MemorySegment read(long offset, long length, ScratchBuffer scratch) {
                if (length > Shapes.MAX_ELEMENTS) throw new CorruptInputException("a single record of " + length + " bytes is too large to read");
                MemorySegment s = scratch.get(length);
                fill(offset, s.asByteBuffer());
                return s;
            }

            @Override public void readInto(long offset, byte[] dst, int at, int length) {
                fill(offset, ByteBuffer.wrap(dst, at, length).slice());
            }

            private void fill(long offset, ByteBuffer buf) {
                try {
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, offset + buf.position());
                        if (n < 0) throw new CorruptInputException("the file ended early (was it truncated while being read?)");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
