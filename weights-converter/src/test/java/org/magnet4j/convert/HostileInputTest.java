package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.convert.TestFiles.Pickle;

/**
 * Broken and hostile input: each case must end in a CheckpointException whose message names the file and the
 * problem, with no other exception type, no OutOfMemoryError, no hang, and nothing at the output path.
 */
class HostileInputTest {
    @TempDir Path dir;

    /** Loads the bytes from a file named {@code name} and converts them; expects a refusal mentioning {@code expected}. */
    private CheckpointException refused(String name, byte[] content, String expected) throws IOException {
        Path in = dir.resolve(name);
        Files.write(in, content);
        Path out = dir.resolve(name + ".safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Converter.convert(in, out, ConvertOptions.defaults()));
        assertTrue(e.getMessage().startsWith(in.toString() + ": "), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(expected.toLowerCase()), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(Files.exists(out), "nothing written to the output path");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(in), files.toList(), "no temporary files left");
        }
        Files.delete(in);
        return e;
    }

    private static byte[] validZip() throws IOException {
        return TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1}),
                Map.of("0", TestFiles.floats(1, 2, 3, 4)));
    }

    @Test
    void handBuiltFilesAreValidToBeginWith() throws IOException {
        Checkpoint c = Checkpoints.load(validZip(), "valid", LoadOptions.raw());
        assertEquals(List.of(2, 2), Arrays.stream(c.get("w").shape()).boxed().toList());
        byte[] legacy = TestFiles.legacy(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}, true),
                new String[] {"0"}, new long[] {4}, new byte[][] {TestFiles.floats(1, 2, 3, 4)});
        assertEquals(4, Checkpoints.load(legacy, "legacy", LoadOptions.raw()).get("w").numel());
    }

    @Test
    void truncatedZip() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.fixture("formats/refinement_zip.pth"));
        for (int len : new int[] {0, 3, 10, 1000, full.length / 2, full.length - 100, full.length - 22, full.length - 1})
            refused("truncated.pth", Arrays.copyOf(full, len), len < 4 ? "wrong magic" : "zip");
    }

    @Test
    void truncatedLegacyStream() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.fixture("formats/refinement_legacy.pth"));
        for (int len : new int[] {2, 12, 40, 500, 5000, full.length / 2, full.length - 1})
            refused("truncated_legacy.pth", Arrays.copyOf(full, len), "truncated");
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] legacy = Files.readAllBytes(Fixtures.fixture("formats/refinement_legacy.pth"));
        legacy[5] ^= 0x40; // inside the magic number's LONG1 payload
        refused("wrong_magic.pth", legacy, "wrong magic number");
        refused("text.pth", "hello, this is not a checkpoint".getBytes(StandardCharsets.UTF_8), "wrong magic");
        refused("empty.pth", new byte[0], "wrong magic");
    }

    @Test
    void pickleCallingOsSystemIsRefused() throws IOException {
        byte[] evil = new Pickle().proto(2).global("os", "system").str("touch /tmp/pwned").raw(0x85).reduce().stop().bytes();
        CheckpointException e = refused("os_system.pth", TestFiles.torchZip(evil, Map.of()), "global os.system is refused");
        assertTrue(e.problem().contains("os.system"));
        refused("posix_system.pth", TestFiles.torchZip(new Pickle().proto(2).global("posix", "system").str("id").raw(0x85).reduce().stop().bytes(), Map.of()), "posix.system");
        // The same, hidden in a legacy stream's object pickle.
        refused("os_system_legacy.pth", TestFiles.legacy(evil, new String[0], new long[0], new byte[0][]), "global os.system is refused");
    }

    @Test
    void pickleCallingBuiltinsEvalIsRefused() throws IOException {
        // Protocol 4 spelling: STACK_GLOBAL with the names on the stack.
        byte[] evil = new Pickle().proto(4).raw(0x8c, 8).raw("builtins".getBytes(StandardCharsets.US_ASCII))
                .raw(0x8c, 4).raw("eval".getBytes(StandardCharsets.US_ASCII)).raw(0x93).str("__import__('os').system('id')")
                .raw(0x85).reduce().stop().bytes();
        refused("eval.pth", TestFiles.torchZip(evil, Map.of()), "global builtins.eval is refused");
        // Protocol 0 spelling: INST reads the class from the opcode's text.
        byte[] inst = "(S'id'\nibuiltins\neval\n.".getBytes(StandardCharsets.US_ASCII);
        refused("eval_inst.pth", TestFiles.torchZip(inst, Map.of()), "global builtins.eval is refused");
        // Nested inside an otherwise valid state dict, as a tensor's rebuild function.
        byte[] nested = TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1});
        String s = new String(nested, StandardCharsets.ISO_8859_1).replace("torch._utils\n_rebuild_tensor_v2", "builtins\neval");
        refused("eval_nested.pth", TestFiles.torchZip(s.getBytes(StandardCharsets.ISO_8859_1), Map.of("0", TestFiles.floats(1, 2, 3, 4))), "builtins.eval");
    }

    @Test
    void storageLargerThanTheFile() throws IOException {
        byte[] p = TestFiles.tensorPickle("w", "FloatStorage", "0", 1L << 40, 0, new long[] {4}, new long[] {1});
        refused("huge_storage.pth", TestFiles.torchZip(p, Map.of("0", TestFiles.floats(1, 2, 3, 4))), "declares 1099511627776");
        // Legacy: the storage's own header claims more bytes than the file has left.
        byte[] lp = TestFiles.tensorPickle("w", "FloatStorage", "0", 1L << 30, 0, new long[] {4}, new long[] {1}, true);
        refused("huge_storage_legacy.pth", TestFiles.legacy(lp, new String[] {"0"}, new long[] {1L << 30}, new byte[][] {TestFiles.floats(1, 2, 3, 4)}),
                "only");
    }

    @Test
    void negativeOrAbsurdShapes() throws IOException {
        Map<String, byte[]> data = Map.of("0", TestFiles.floats(1, 2, 3, 4));
        refused("negative.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {-1}, new long[] {1}), data), "negative dimension");
        refused("absurd.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {1L << 31, 1L << 31}, new long[] {0, 0}), data), "absurd");
        refused("overflow.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 0, new long[] {1 << 20, 1 << 20, 1 << 20}, new long[] {0, 0, 0}), data), "absurd shape");
        refused("outside.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 1, new long[] {2, 2}, new long[] {2, 1}), data), "reaches element 4");
        refused("negative_stride.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, 3, new long[] {4}, new long[] {-1}), data), "negative stride");
        refused("negative_offset.pth", TestFiles.torchZip(TestFiles.tensorPickle("w", "FloatStorage", "0", 4, -1, new long[] {1}, new long[] {1}), data), "negative storage offset");
    }

    @Test
    void expandedViewsCannotExhaustMemory() throws IOException {
        // One float, viewed as 2^31-9 elements with stride 0: torch would make a view; we would have to allocate 8 GB.
        byte[] p = TestFiles.tensorPickle("w", "FloatStorage", "0", 1, 0, new long[] {Integer.MAX_VALUE - 8}, new long[] {0});
        refused("expand.pth", TestFiles.torchZip(p, Map.of("0", TestFiles.floats(1))), "more than");
    }

    @Test
    void zipEntryMissing() throws IOException {
        Map<String, byte[]> entries = TestFiles.unzip(Files.readAllBytes(Fixtures.fixture("formats/refinement_zip.pth")));
        Map<String, byte[]> noStorage = new java.util.LinkedHashMap<>(entries);
        noStorage.remove("refinement_zip/data/0");
        refused("missing_storage.pth", rezip(noStorage), "zip entry 'refinement_zip/data/0' is missing");
        Map<String, byte[]> noPickle = new java.util.LinkedHashMap<>(entries);
        noPickle.remove("refinement_zip/data.pkl");
        refused("missing_pickle.pth", rezip(noPickle), "data.pkl' is missing");
    }

    @Test
    void damagedDataFailsItsChecksum() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.fixture("formats/refinement_zip.pth"));
        b[b.length / 2] ^= 1;
        refused("flipped.pth", b, "CRC-32");
    }

    @Test
    void zipBombIsRefusedBeforeAllocating() throws IOException {
        // A deflated entry whose directory claims 2 GB: refused from the claim, not by trying.
        byte[] zip = java.util.Objects.requireNonNull(deflatedZip());
        byte[] patched = zip.clone();
        // Patch the central directory's uncompressed size of the first entry (offset 24 in its header).
        int cd = lastIndexOf(patched, new byte[] {0x50, 0x4b, 0x01, 0x02});
        int firstCd = indexOf(patched, new byte[] {0x50, 0x4b, 0x01, 0x02});
        assertTrue(cd >= 0 && firstCd >= 0);
        patched[firstCd + 24] = (byte) 0xf0; patched[firstCd + 25] = (byte) 0xff; patched[firstCd + 26] = (byte) 0xff; patched[firstCd + 27] = 0x7f;
        refused("bomb.pth", patched, "implausible");
    }

    @Test
    void hostilePickleShapes() throws IOException {
        // A string length larger than the pickle; a memo reference to nothing; stack underflow; an unknown opcode.
        refused("len.pth", TestFiles.torchZip(new Pickle().proto(2).raw('X', 0xff, 0xff, 0xff, 0x7f).stop().bytes(), Map.of()), "declared length");
        refused("memo.pth", TestFiles.torchZip(new Pickle().proto(2).raw('h', 7).stop().bytes(), Map.of()), "memo entry 7");
        refused("underflow.pth", TestFiles.torchZip(new Pickle().proto(2).raw('R').stop().bytes(), Map.of()), "underflow");
        refused("opcode.pth", TestFiles.torchZip(new Pickle().proto(2).raw(0xfe).stop().bytes(), Map.of()), "unknown opcode");
        refused("proto.pth", TestFiles.torchZip(new Pickle().proto(9).stop().bytes(), Map.of()), "protocol 9");
        // A million nested MARKs and lists: no recursion, so no StackOverflowError.
        Pickle deep = new Pickle().proto(2);
        for (int i = 0; i < 200_000; i++) deep.raw(']');
        for (int i = 0; i < 199_999; i++) deep.raw('a');
        refused("deep.pth", TestFiles.torchZip(deep.stop().bytes(), Map.of()), "not a dict of tensors");
        // A list as a dict key (unhashable in Python; a hashing hazard here).
        refused("key.pth", TestFiles.torchZip(new Pickle().proto(2).raw('}', ']', ']', 's').stop().bytes(), Map.of()), "unsupported dict key");
    }

    private static byte[] rezip(Map<String, byte[]> entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] deflatedZip() throws IOException { return Fixtures.resource("deflated.pth"); }

    private static int indexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= a.length; i++) {
            for (int j = 0; j < pat.length; j++) if (a[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = a.length - pat.length; i >= 0; i--) {
            for (int j = 0; j < pat.length; j++) if (a[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }
}
