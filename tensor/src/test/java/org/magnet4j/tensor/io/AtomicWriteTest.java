package org.magnet4j.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs appear complete or not at all, with ordinary permissions, and a failed write leaves nothing behind. */
class AtomicWriteTest {
    @Test
    void writesWithOrdinaryPermissionsAndReplaces(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/out.bin");
        AtomicWrite.write(f, new byte[] {1, 2, 3});
        AtomicWrite.write(f, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aFailedWriteLeavesTheTargetAsItWas(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out.bin");
        AtomicWrite.write(f, new byte[] {9});
        assertThrows(IOException.class, () -> AtomicWrite.write(f, ch -> {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {7, 7, 7}));
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
