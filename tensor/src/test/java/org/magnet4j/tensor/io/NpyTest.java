package org.magnet4j.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.magnet4j.tensor.DType;

/** Reads the files made by src/test/resources/npy/make_npy.py (NumPy 1.24) and round-trips every dtype. */
class NpyTest {
    static final int[] SHAPE = {2, 3, 5};

    @TempDir Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource npy/" + name, e);
        }
    }

    /** The formulas in make_npy.py. */
    static Object expected(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = i * 0.5f - 7; yield a; }
            case FLOAT64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = i * 0.5 - 7; yield a; }
            case FLOAT16 -> { short[] a = new short[n]; for (int i = 0; i < n; i++) a[i] = DType.floatToHalf(i * 0.5f - 7); yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = i * (1L << 40) - 5; yield a; }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = i * 7 - 50; yield a; }
            case UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) ((i * 9) % 256); yield a; }
            case BOOL -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) (i % 3 == 0 ? 1 : 0); yield a; }
            case BFLOAT16 -> throw new IllegalArgumentException();
        };
    }

    static String tag(DType d) {
        return switch (d) {
            case FLOAT32 -> "f4"; case FLOAT64 -> "f8"; case FLOAT16 -> "f2"; case INT64 -> "i8";
            case INT32 -> "i4"; case UINT8 -> "u1"; case BOOL -> "b1"; case BFLOAT16 -> "bf16";
        };
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BFLOAT16", mode = EnumSource.Mode.EXCLUDE)
    void readsLittleEndianFromNumpy(DType dtype) throws IOException {
        NpyArray a = Npy.read(resource("le_" + tag(dtype) + ".npy"));
        assertEquals(dtype, a.dtype());
        assertArrayEquals(SHAPE, a.shape());
        assertEquals(new NpyArray(dtype, SHAPE, expected(dtype, 30)), a);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "FLOAT16", "INT64", "INT32"})
    void convertsBigEndian(DType dtype) throws IOException {
        NpyArray be = Npy.read(resource("be_" + tag(dtype) + ".npy"));
        assertEquals(Npy.read(resource("le_" + tag(dtype) + ".npy")), be);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BFLOAT16", mode = EnumSource.Mode.EXCLUDE)
    void writesTheSameBytesAsNumpy(DType dtype) throws IOException {
        Path src = resource("le_" + tag(dtype) + ".npy");
        Path out = tmp.resolve("out.npy");
        Npy.write(out, Npy.read(src));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BFLOAT16", mode = EnumSource.Mode.EXCLUDE)
    void roundTripsEveryDtypeAndShape(DType dtype) throws IOException {
        for (int[] shape : List.of(new int[] {}, new int[] {1}, new int[] {7}, new int[] {0, 3}, new int[] {3, 1, 4, 2}, new int[] {1, 1, 1, 1, 1, 1})) {
            int n = (int) Npy.numel(shape);
            Object data = expected(dtype, n);
            Path out = tmp.resolve("rt_" + tag(dtype) + "_" + shape.length + ".npy");
            Npy.write(out, dtype, shape, data);
            assertEquals(0, (Files.size(out) - (long) n * dtype.byteSize()) % 64, "header padded to 64 bytes");
            NpyArray back = Npy.read(out);
            assertEquals(new NpyArray(dtype, shape, data), back);
        }
    }

    @Test
    void roundTripsFloatSpecialsBitExactly() throws IOException {
        NpyArray a = Npy.read(resource("specials_f4.npy"));
        float[] f = a.floats();
        assertTrue(Float.isNaN(f[0]));
        assertEquals(Float.POSITIVE_INFINITY, f[1]);
        assertEquals(Float.NEGATIVE_INFINITY, f[2]);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f[3]));
        assertEquals(Float.MIN_VALUE, f[4]);
        assertEquals(Float.MAX_VALUE, f[5]);
        Path out = tmp.resolve("specials.npy");
        Npy.write(out, a);
        assertArrayEquals(Files.readAllBytes(resource("specials_f4.npy")), Files.readAllBytes(out));
    }

    @Test
    void readsScalarEmptyAndVector() throws IOException {
        NpyArray s = Npy.read(resource("scalar_f4.npy"));
        assertArrayEquals(new int[] {}, s.shape());
        assertArrayEquals(new float[] {2.5f}, s.floats());
        NpyArray e = Npy.read(resource("empty_f4.npy"));
        assertArrayEquals(new int[] {0, 3}, e.shape());
        assertEquals(0, e.numel());
        NpyArray v = Npy.read(resource("vector_i8.npy"));
        assertArrayEquals(new int[] {7}, v.shape());
        assertArrayEquals((long[]) expected(DType.INT64, 7), v.longs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2_f4.npy", "v3_f4.npy"})
    void readsVersion2And3Headers(String name) throws IOException {
        assertEquals(Npy.read(resource("le_f4.npy")), Npy.read(resource(name)));
    }

    @Test
    void writesVersion2WhenTheHeaderNeedsIt() throws IOException {
        int[] shape = new int[23000]; // "1, " per dimension: a header over 65535 bytes
        java.util.Arrays.fill(shape, 1);
        Path out = tmp.resolve("v2.npy");
        Npy.write(out, DType.FLOAT32, shape, new float[] {4.25f});
        byte[] bytes = Files.readAllBytes(out);
        assertEquals(2, bytes[6]);
        assertEquals(0, bytes[7]);
        int headerLen = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(headerLen > 65535);
        assertEquals(0, (12 + headerLen) % 64);
        assertEquals('\n', bytes[12 + headerLen - 1]);
        NpyArray back = Npy.read(out);
        assertArrayEquals(shape, back.shape());
        assertArrayEquals(new float[] {4.25f}, back.floats());
        // and a small header stays version 1.0
        Npy.write(out, DType.FLOAT32, new int[] {1}, new float[] {1});
        assertEquals(1, Files.readAllBytes(out)[6]);
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path out = tmp.resolve("a.npy");
        Npy.write(out, DType.INT32, new int[] {2}, new int[] {1, 2});
        Npy.write(out, DType.FLOAT64, new int[] {1, 3}, new double[] {1, 2, 3});
        assertEquals(new NpyArray(DType.FLOAT64, new int[] {1, 3}, new double[] {1, 2, 3}), Npy.read(out));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(out), files.toList());
        }
    }

    @Test
    void writeRefusesMismatchedData() throws IOException {
        Path out = tmp.resolve("bad.npy");
        assertThrows(IllegalArgumentException.class, () -> Npy.write(out, DType.FLOAT32, new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(out, DType.FLOAT32, new int[] {2}, new double[2]));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.write(out, DType.BFLOAT16, new int[] {1}, new short[1]));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    // ---- refusals -------------------------------------------------------------------------------------------

    static NpyFormatException refused(String name, String... words) {
        Path p = resource(name);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()), "names the file: " + m);
        for (String w : words) assertTrue(m.contains(w), "mentions '" + w + "': " + m);
        assertEquals(p, e.file());
        return e;
    }

    @Test
    void refusesFortranOrder() { refused("fortran_f4.npy", "fortran_order"); }

    @Test
    void refusesTruncatedFile() { refused("truncated_f4.npy", "truncated", "(2, 3, 5)", "120 bytes", "50 bytes"); }

    @Test
    void refusesTrailingBytes() { refused("trailing_f4.npy", "shape/size mismatch", "124 bytes"); }

    @Test
    void refusesHugeDeclaredShapeWithoutAllocating() {
        refused("huge_shape_f4.npy", "(100000, 100000, 100000)", "16 bytes");
        refused("large_shape_i4.npy", "(2000000000,)", "8000000000 bytes");
    }

    @Test
    void refusesBadMagic() { refused("bad_magic.npy", "bad magic"); }

    @Test
    void refusesShortHeader() { refused("short_header.npy", "truncated"); }

    @Test
    void refusesUnsupportedDtypes() {
        refused("complex_c8.npy", "unsupported dtype", "<c8");
        refused("structured.npy", "unsupported dtype");
    }

    @Test
    void refusesMissingFile() {
        assertThrows(NoSuchFileException.class, () -> Npy.read(tmp.resolve("nope.npy")));
    }

    @Test
    void refusesGarbageHeaders() throws IOException {
        for (String header : List.of("{'descr': '<f4', 'fortran_order': False}", "not a dict at all",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }")) {
            byte[] h = (header + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            ByteBuffer b = ByteBuffer.allocate(10 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
            Path p = tmp.resolve("garbage.npy");
            Files.write(p, b.array());
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p), header);
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        }
    }
}
