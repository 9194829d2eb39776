package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;
import org.magnet4j.tensor.io.NpyFormatException;

/**
 * Npy.write(Path, Tensor) / Npy.readTensor(Path) round trips on CPU tensors for every dtype NumPy has (all but
 * bfloat16, which must be refused), over 0-d, empty, 1-D and 4-D shapes and strided views, bit for bit; and
 * byte-identical output to NumPy's own files (tensor/src/test/resources/npy, made by make_npy.py).
 */
class NpyTensorTest {
    @TempDir Path tmp;

    /** Edge values of each dtype, as the Java array fromArray takes. */
    static Tensor sample(DType dtype, int... shape) {
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return switch (dtype) {
            case FLOAT32 -> {
                float[] edge = {0f, -0f, 1.5f, -7.25f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, 1e-3f, -3.4e38f};
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = i < edge.length ? edge[i] : (float) Math.sin(i) * i;
                yield Tensor.fromArray(a, shape);
            }
            case FLOAT64 -> {
                double[] edge = {0d, -0d, 1.5, -7.25, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 0.1, Math.PI};
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = i < edge.length ? edge[i] : Math.sin(i) * i;
                yield Tensor.fromArray(a, shape);
            }
            case FLOAT16 -> {
                short[] edge = {0x0000, (short) 0x8000, 0x3c00, (short) 0xc700, 0x7e00, 0x7c00, (short) 0xfc00, 0x0001, 0x7bff, 0x0400, 0x3555};
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = i < edge.length ? edge[i] : DType.floatToHalf((float) Math.sin(i) * i);
                yield Tensor.fromArray(a, DType.FLOAT16, shape);
            }
            case INT64 -> {
                long[] edge = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, -(1L << 53) - 1};
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = i < edge.length ? edge[i] : (long) i * 1_000_000_007L - 5;
                yield Tensor.fromArray(a, shape);
            }
            case INT32 -> {
                int[] edge = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 65536, -65537};
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = i < edge.length ? edge[i] : i * 7919 - 50;
                yield Tensor.fromArray(a, shape);
            }
            case UINT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte) (i * 37 + (i == 1 ? 255 : 0));
                yield Tensor.fromArray(a, DType.UINT8, shape);
            }
            case BOOL -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte) (i % 3 == 0 ? 1 : 0);
                yield Tensor.fromArray(a, DType.BOOL, shape);
            }
            case BFLOAT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = DType.floatToBfloat16(i * 0.5f);
                yield Tensor.fromArray(a, DType.BFLOAT16, shape);
            }
        };
    }

    /** The downloaded data as comparable bits: floats by raw bit pattern, so NaN payloads and -0.0 count. */
    static long[] bits(Tensor t) {
        Object d = t.contiguous().download();
        long[] out = new long[t.numel()];
        for (int i = 0; i < out.length; i++)
            out[i] = switch (d) {
                case float[] a -> Float.floatToRawIntBits(a[i]);
                case double[] a -> Double.doubleToRawLongBits(a[i]);
                case long[] a -> a[i];
                case int[] a -> a[i];
                case short[] a -> a[i];
                case byte[] a -> a[i];
                default -> throw new IllegalStateException(d.getClass().toString());
            };
        return out;
    }

    static final List<int[]> SHAPES = List.of(new int[0], new int[] {0, 3}, new int[] {1}, new int[] {13}, new int[] {2, 3, 4, 5});

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BFLOAT16", mode = EnumSource.Mode.EXCLUDE)
    void roundTripEveryShapeBitForBit(DType dtype) throws IOException {
        for (int[] shape : SHAPES) {
            Tensor t = sample(dtype, shape);
            Path f = tmp.resolve(dtype + "_" + shape.length + ".npy");
            Npy.write(f, t);
            Tensor back = Npy.readTensor(f);
            String what = dtype + Arrays.toString(shape);
            assertEquals(dtype, back.dtype(), what);
            assertArrayEquals(shape, back.shape(), what);
            assertTrue(back.isContiguous(), what);
            assertArrayEquals(bits(t), bits(back), what);
            // The plain reader sees the same array.
            var raw = Npy.read(f);
            assertEquals(dtype, raw.dtype(), what);
            assertArrayEquals(shape, raw.shape(), what);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BFLOAT16", mode = EnumSource.Mode.EXCLUDE)
    void stridedViewsAreWrittenRowMajor(DType dtype) throws IOException {
        Tensor t = sample(dtype, 3, 4, 5);
        List<Tensor> views = List.of(t.transpose(0, 2), t.permute(1, 2, 0), t.narrow(1, 1, 2), t.slice(2, 0, 5, 2),
                t.select(1, 3), t.narrow(0, 0, 1).expand(4, 4, 5));
        for (int v = 0; v < views.size(); v++) {
            Tensor view = views.get(v);
            Path f = tmp.resolve(dtype + "_view" + v + ".npy");
            Npy.write(f, view);
            Tensor back = Npy.readTensor(f);
            assertArrayEquals(view.shape(), back.shape(), dtype + " view " + v);
            assertArrayEquals(bits(view.contiguous()), bits(back), dtype + " view " + v);
        }
    }

    @Test
    void boolValuesOtherThanZeroOrOneAreWrittenAsOne() throws IOException {
        Path f = tmp.resolve("b.npy");
        Npy.write(f, DType.BOOL, new int[] {3}, new byte[] {0, 1, 1});
        Tensor back = Npy.readTensor(f);
        assertArrayEquals(new byte[] {0, 1, 1}, (byte[]) back.download());
        // A computed comparison result round trips as NumPy bools.
        Tensor cmp = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2).gt(2.5);
        Npy.write(f, cmp);
        assertArrayEquals(new byte[] {0, 0, 1, 1}, (byte[]) Npy.readTensor(f).download());
    }

    @Test
    void bfloat16IsRefusedWithAHint() {
        Tensor t = sample(DType.BFLOAT16, 2, 3);
        Path f = tmp.resolve("bf16.npy");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.write(f, t));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        assertTrue(!Files.exists(f), "no file is left behind");
    }

    @Test
    void bfloat16ConvertedToFloat32RoundTrips() throws IOException {
        Tensor t = sample(DType.BFLOAT16, 2, 3);
        Path f = tmp.resolve("bf16_as_f32.npy");
        Npy.write(f, t.to(DType.FLOAT32));
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, Npy.readTensor(f).toFloatArray());
    }

    @Test
    void computedAndGradTensorsWriteTheirValues() throws IOException {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = a.mul(a).sum(1, false);
        Path f = tmp.resolve("y.npy");
        Npy.write(f, y);
        assertArrayEquals(new float[] {14, 77}, Npy.readTensor(f).toFloatArray());
        y.sum().backward();
        Npy.write(f, a.grad());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, Npy.readTensor(f).toFloatArray());
    }

    @Test
    void overwritesAnExistingFile() throws IOException {
        Path f = tmp.resolve("o.npy");
        Npy.write(f, sample(DType.FLOAT64, 50, 50));
        Npy.write(f, sample(DType.INT32, 2));
        Tensor back = Npy.readTensor(f);
        assertEquals(DType.INT32, back.dtype());
        assertArrayEquals(new int[] {2}, back.shape());
    }

    // ---- against NumPy's own files --------------------------------------------------------------------------

    static Path numpyFixtures() {
        String repo = System.getProperty("repo.dir");
        if (repo != null && Files.isDirectory(Paths.get(repo, "tensor/src/test/resources/npy"))) return Paths.get(repo, "tensor/src/test/resources/npy");
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("tensor/src/test/resources/npy"))) return p.resolve("tensor/src/test/resources/npy");
        throw new IllegalStateException("tensor/src/test/resources/npy not found; set -Drepo.dir");
    }

    /** make_npy.py's values(): the formula per kind, over shape (2, 3, 5). */
    static long[] numpyValues(String tag, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++)
            out[i] = switch (tag) {
                case "f4" -> Float.floatToRawIntBits(i * 0.5f - 7);
                case "f8" -> Double.doubleToRawLongBits(i * 0.5 - 7);
                case "f2" -> DType.floatToHalf(i * 0.5f - 7);
                case "i8" -> i * (1L << 40) - 5;
                case "i4" -> i * 7 - 50;
                case "u1" -> (byte) ((i * 9) % 256);
                case "b1" -> i % 3 == 0 ? 1 : 0;
                default -> throw new IllegalArgumentException(tag);
            };
        return out;
    }

    @Test
    void readsNumpyFilesAndWritesThemBackByteForByte() throws IOException {
        Path dir = numpyFixtures();
        String[] tags = {"f4", "f8", "f2", "i8", "i4", "u1", "b1"};
        DType[] types = {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.INT64, DType.INT32, DType.UINT8, DType.BOOL};
        for (int k = 0; k < tags.length; k++) {
            Path le = dir.resolve("le_" + tags[k] + ".npy");
            Tensor t = Npy.readTensor(le);
            assertEquals(types[k], t.dtype(), tags[k]);
            assertArrayEquals(new int[] {2, 3, 5}, t.shape(), tags[k]);
            assertArrayEquals(numpyValues(tags[k], 30), bits(t), tags[k]);
            if (!tags[k].equals("u1") && !tags[k].equals("b1")) {
                Tensor be = Npy.readTensor(dir.resolve("be_" + tags[k] + ".npy"));
                assertArrayEquals(bits(t), bits(be), "big-endian " + tags[k]);
            }
            Path out = tmp.resolve("copy_" + tags[k] + ".npy");
            Npy.write(out, t);
            assertArrayEquals(Files.readAllBytes(le), Files.readAllBytes(out), "bytes of " + le.getFileName() + " as written back");
        }
        for (String name : List.of("scalar_f4.npy", "empty_f4.npy", "vector_i8.npy", "specials_f4.npy")) {
            Tensor t = Npy.readTensor(dir.resolve(name));
            Path out = tmp.resolve(name);
            Npy.write(out, t);
            assertArrayEquals(Files.readAllBytes(dir.resolve(name)), Files.readAllBytes(out), "bytes of " + name + " as written back");
        }
        Tensor scalar = Npy.readTensor(dir.resolve("scalar_f4.npy"));
        assertEquals(0, scalar.dim());
        assertEquals(2.5, scalar.item());
        assertArrayEquals(new int[] {0, 3}, Npy.readTensor(dir.resolve("empty_f4.npy")).shape());
    }
}
