package org.magnet4j.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0), C order only.
 *
 * <p>Reading checks the declared shape against the file length before allocating anything, so a damaged or
 * hostile header cannot make us allocate more than the file holds. Big-endian data is converted. Every
 * problem is reported as an {@link NpyFormatException} whose message starts with the file name.
 *
 * <p>Writing produces version 1.0 (2.0 when the header is longer than 65535 bytes), little-endian, with the
 * header padded to a multiple of 64 bytes as NumPy does; the file is written beside its destination under a
 * temporary name and renamed into place, so readers never see a half-written file.
 *
 * <p>dtype mapping: {@code <f4} FLOAT32 (float[]), {@code <f8} FLOAT64 (double[]), {@code <i8} INT64 (long[]),
 * {@code <i4} INT32 (int[]), {@code |u1} UINT8 (byte[]), {@code |b1} BOOL (byte[] of 0/1), {@code <f2}
 * FLOAT16 (short[] of raw bits). NumPy has no bfloat16.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Bytes moved per chunk while converting between file bytes and Java arrays. */
    private static final int CHUNK = 1 << 20;
    /** Largest Java array we create. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    // ---- reading --------------------------------------------------------------------------------------------

    /** Reads a .npy file into a Java primitive array (see the class comment for the dtype mapping). */
    public static NpyArray read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, 0, file, "the magic string and version");
            if (pre.limit() < 10) throw truncated(file, "the file is " + fileSize + " bytes, too short for a .npy preamble");
            byte[] magic = new byte[6];
            pre.get(0, magic);
            if (!Arrays.equals(magic, MAGIC))
                throw new NpyFormatException(file, "bad magic: not a .npy file (first bytes " + hex(magic, pre.limit()) + ", expected 93 4E 55 4D 50 59 = \\x93NUMPY)");
            int major = pre.get(6) & 0xff, minor = pre.get(7) & 0xff;
            long headerLen;
            int preamble;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                preamble = 10;
            } else if (major == 2 || major == 3) {
                if (pre.limit() < 12) throw truncated(file, "the file is " + fileSize + " bytes, too short for a version " + major + ".0 preamble");
                headerLen = pre.getInt(8) & 0xffffffffL;
                preamble = 12;
            } else {
                throw new NpyFormatException(file, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
            }
            if (preamble + headerLen > fileSize)
                throw truncated(file, "the header declares " + headerLen + " bytes but only " + (fileSize - preamble) + " bytes follow the preamble");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, preamble, file, "the header");
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, header);

            long dataOffset = preamble + headerLen;
            long available = fileSize - dataOffset;
            long numel = 1;
            for (long d : h.shape) {
                if (d < 0) throw new NpyFormatException(file, "negative dimension in shape " + shapeStr(h.shape));
                numel = saturatingMultiply(numel, d);
            }
            long needed = saturatingMultiply(numel, h.type.itemSize);
            if (needed > available)
                throw new NpyFormatException(file, "truncated (or wrong shape): the header declares shape " + shapeStr(h.shape) + " of " + h.descr
                        + ", needing " + (needed == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(needed)) + " bytes of data, but only "
                        + available + " bytes follow the header");
            if (needed < available)
                throw new NpyFormatException(file, "shape/size mismatch: the header declares shape " + shapeStr(h.shape) + " of " + h.descr
                        + " (" + needed + " bytes of data) but " + available + " bytes follow the header");
            if (numel > MAX_ELEMENTS)
                throw new NpyFormatException(file, "shape " + shapeStr(h.shape) + " has " + numel + " elements, more than a Java array holds");
            for (long d : h.shape)
                if (d > MAX_ELEMENTS) throw new NpyFormatException(file, "dimension " + d + " of shape " + shapeStr(h.shape) + " is too large for a Java array");
            int[] shape = new int[h.shape.length];
            for (int i = 0; i < shape.length; i++) shape[i] = (int) h.shape[i];

            Object data = readData(ch, dataOffset, (int) numel, h.type, h.order, file);
            return new NpyArray(h.type.dtype, shape, data);
        }
    }

    /** Reads a .npy file into a CPU tensor (needs the CPU backend on the class path). */
    public static Tensor readTensor(Path file) throws IOException {
        NpyArray a = read(file);
        int[] s = a.shape();
        return switch (a.dtype()) {
            case FLOAT32 -> Tensor.fromArray((float[]) a.data(), s);
            case FLOAT64 -> Tensor.fromArray((double[]) a.data(), s);
            case INT64 -> Tensor.fromArray((long[]) a.data(), s);
            case INT32 -> Tensor.fromArray((int[]) a.data(), s);
            case UINT8, BOOL -> Tensor.fromArray((byte[]) a.data(), a.dtype(), s);
            case FLOAT16, BFLOAT16 -> Tensor.fromArray((short[]) a.data(), a.dtype(), s);
        };
    }

    private static Object readData(FileChannel ch, long offset, int n, NpyType type, ByteOrder order, Path file) throws IOException {
        int item = type.itemSize;
        Object out = allocate(type.dtype, n);
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max((long) n * item, item))).order(order);
        int done = 0;
        long pos = offset;
        while (done < n) {
            int count = Math.min(n - done, buf.capacity() / item);
            buf.clear().limit(count * item);
            readFully(ch, buf, pos, file, "the data");
            if (buf.limit() != count * item) throw truncated(file, "the data ends early, at byte " + (pos + buf.limit()));
            pos += (long) count * item;
            switch (type.dtype) {
                case FLOAT32 -> buf.asFloatBuffer().get((float[]) out, done, count);
                case FLOAT64 -> buf.asDoubleBuffer().get((double[]) out, done, count);
                case INT64 -> buf.asLongBuffer().get((long[]) out, done, count);
                case INT32 -> buf.asIntBuffer().get((int[]) out, done, count);
                case FLOAT16 -> buf.asShortBuffer().get((short[]) out, done, count);
                case UINT8 -> buf.get(0, (byte[]) out, done, count);
                case BOOL -> {
                    byte[] b = (byte[]) out;
                    buf.get(0, b, done, count);
                    for (int i = done; i < done + count; i++) if (b[i] != 0) b[i] = 1;
                }
                default -> throw new IllegalStateException(type.dtype.toString());
            }
            done += count;
        }
        return out;
    }

    /** Fills buf from position pos until it is full or the file ends; on return buf is flipped (limit = bytes read). */
    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) break;
            pos += r;
        }
        buf.flip();
    }

    // ---- header parsing -------------------------------------------------------------------------------------

    private record NpyType(DType dtype, int itemSize) {}

    private record ListLiteral(String text) {
        @Override public String toString() { return text; }
    }

    private record Header(String descr, NpyType type, ByteOrder order, long[] shape) {}

    private static Header parseHeader(Path file, String text) throws NpyFormatException {
        Map<String, Object> dict;
        try {
            dict = new HeaderParser(text).parseDict();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(file, "bad header: " + e.getMessage() + " in " + quote(text));
        }
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape")))
            throw new NpyFormatException(file, "bad header: expected the keys descr, fortran_order and shape, got " + dict.keySet() + " in " + quote(text));
        if (!(dict.get("descr") instanceof String descr))
            throw new NpyFormatException(file, "unsupported dtype: descr " + dict.get("descr") + " (structured arrays are not supported)");
        if (!(dict.get("fortran_order") instanceof Boolean fortran))
            throw new NpyFormatException(file, "bad header: fortran_order is " + dict.get("fortran_order") + ", not True or False");
        if (fortran)
            throw new NpyFormatException(file, "fortran_order is True: Fortran (column-major) arrays are not supported; save a C-order array (np.ascontiguousarray)");
        if (!(dict.get("shape") instanceof long[] shape))
            throw new NpyFormatException(file, "bad header: shape is " + dict.get("shape") + ", not a tuple of integers");
        if (descr.length() < 2) throw new NpyFormatException(file, "unsupported dtype '" + descr + "'");
        char bo = descr.charAt(0);
        String kind = descr.substring(1);
        NpyType type = switch (kind) {
            case "f4" -> new NpyType(DType.FLOAT32, 4);
            case "f8" -> new NpyType(DType.FLOAT64, 8);
            case "f2" -> new NpyType(DType.FLOAT16, 2);
            case "i8" -> new NpyType(DType.INT64, 8);
            case "i4" -> new NpyType(DType.INT32, 4);
            case "u1" -> new NpyType(DType.UINT8, 1);
            case "b1" -> new NpyType(DType.BOOL, 1);
            default -> null;
        };
        ByteOrder order = switch (bo) {
            case '<', '=' -> ByteOrder.LITTLE_ENDIAN; // '=' is native; NumPy only writes it on little-endian machines in practice
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '|' -> type != null && type.itemSize == 1 ? ByteOrder.LITTLE_ENDIAN : null;
            default -> null;
        };
        if (type == null || order == null)
            throw new NpyFormatException(file, "unsupported dtype '" + descr + "' (supported: f4, f8, f2, i8, i4 in either byte order, |u1, |b1)");
        return new Header(descr, type, order, shape);
    }

    /** A parser for the Python dict literal NumPy writes: string keys; string, True/False or int-tuple values. */
    private static final class HeaderParser {
        private final String s;
        private int i;

        HeaderParser(String s) { this.s = s; }

        Map<String, Object> parseDict() {
            Map<String, Object> out = new LinkedHashMap<>();
            skip();
            expect('{');
            while (true) {
                skip();
                if (peek() == '}') { i++; break; }
                String key = parseString();
                skip();
                expect(':');
                skip();
                if (out.put(key, parseValue()) != null) throw new IllegalArgumentException("duplicate key '" + key + "'");
                skip();
                if (peek() == ',') { i++; continue; }
                expect('}');
                break;
            }
            skip();
            if (i != s.length()) throw new IllegalArgumentException("unexpected text after the dict at offset " + i);
            return out;
        }

        private Object parseValue() {
            char c = peek();
            if (c == '\'' || c == '"') return parseString();
            if (c == '(') return parseTuple();
            if (s.startsWith("True", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("False", i)) { i += 5; return Boolean.FALSE; }
            if (c == '[') return new ListLiteral(skipList()); // a structured dtype; refused by the caller
            throw new IllegalArgumentException("unexpected '" + c + "' at offset " + i);
        }

        /** Skips a bracketed list (nested brackets, quoted strings) and returns its text. */
        private String skipList() {
            int start = i, depth = 0;
            while (true) {
                char c = peek();
                if (c == '\'' || c == '"') { parseString(); continue; }
                i++;
                if (c == '[' || c == '(') depth++;
                else if ((c == ']' || c == ')') && --depth == 0) return s.substring(start, i);
            }
        }

        private long[] parseTuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skip();
                if (peek() == ')') { i++; break; }
                dims.add(parseInt());
                skip();
                if (peek() == ',') { i++; continue; }
                expect(')');
                break;
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long parseInt() {
            int start = i;
            if (peek() == '-') i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == start || (i == start + 1 && s.charAt(start) == '-')) throw new IllegalArgumentException("expected an integer at offset " + start);
            String digits = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) i++; // Python 2 long
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                return digits.startsWith("-") ? -1 : Long.MAX_VALUE; // absurdly large: refused by the size check
            }
        }

        private String parseString() {
            char q = peek();
            if (q != '\'' && q != '"') throw new IllegalArgumentException("expected a quoted string at offset " + i);
            int end = s.indexOf(q, i + 1);
            if (end < 0) throw new IllegalArgumentException("unterminated string at offset " + i);
            String r = s.substring(i + 1, end);
            i = end + 1;
            return r;
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at offset " + i);
            i++;
        }

        private char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("header ends early");
            return s.charAt(i);
        }

        private void skip() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    }

    // ---- writing --------------------------------------------------------------------------------------------

    /** Writes a tensor (any device; its data is downloaded row-major). */
    public static void write(Path file, Tensor t) throws IOException {
        write(file, t.dtype(), t.shape(), t.download());
    }

    public static void write(Path file, NpyArray a) throws IOException {
        write(file, a.dtype(), a.shape(), a.data());
    }

    /**
     * Writes {@code data} (the Java primitive array of {@code dtype}, row-major, exactly filling {@code shape})
     * as a little-endian C-order .npy file, atomically replacing any existing file.
     */
    public static void write(Path file, DType dtype, int[] shape, Object data) throws IOException {
        if (dtype == DType.BFLOAT16) throw new NpyFormatException(file, "unsupported dtype: NumPy has no bfloat16; convert to float32 first");
        NpyArray a = new NpyArray(dtype, shape, data); // validates the array class and length
        byte[] header = header(descr(dtype), shape);
        AtomicWrite.write(file, ch -> {
            writeFully(ch, ByteBuffer.wrap(header));
            writeData(ch, a);
        });
    }

    static String descr(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case BFLOAT16 -> throw new IllegalArgumentException("NumPy has no bfloat16");
        };
    }

    /** The preamble and header, padded with spaces and a newline to a multiple of 64 bytes as NumPy does. */
    static byte[] header(String descr, int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int k = 0; k < shape.length; k++) {
            if (k > 0) dict.append(", ");
            dict.append(shape[k]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        int preamble = 10;
        int total = pad64(preamble + dict.length() + 1);
        if (total - preamble > 0xffff) {
            preamble = 12;
            total = pad64(preamble + dict.length() + 1);
        }
        int headerLen = total - preamble;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (preamble == 10 ? 1 : 2)).put((byte) 0);
        if (preamble == 10) b.putShort((short) headerLen);
        else b.putInt(headerLen);
        b.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static int pad64(int n) { return (n + 63) / 64 * 64; }

    private static void writeData(FileChannel ch, NpyArray a) throws IOException {
        DType dtype = a.dtype();
        int item = dtype.byteSize();
        int n = a.numel();
        Object data = a.data();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max((long) n * item, item))).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < n) {
            int count = Math.min(n - done, buf.capacity() / item);
            buf.clear();
            switch (dtype) {
                case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, done, count);
                case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, done, count);
                case INT64 -> buf.asLongBuffer().put((long[]) data, done, count);
                case INT32 -> buf.asIntBuffer().put((int[]) data, done, count);
                case FLOAT16 -> buf.asShortBuffer().put((short[]) data, done, count);
                case UINT8 -> buf.put(0, (byte[]) data, done, count);
                case BOOL -> {
                    byte[] b = (byte[]) data;
                    for (int k = 0; k < count; k++) buf.put(k, b[done + k] != 0 ? (byte) 1 : 0);
                }
                default -> throw new IllegalStateException(dtype.toString());
            }
            buf.position(0).limit(count * item);
            writeFully(ch, buf);
            done += count;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static Class<?> javaArrayClass(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
            case INT32 -> int[].class;
            case UINT8, BOOL -> byte[].class;
            case FLOAT16, BFLOAT16 -> short[].class;
        };
    }

    private static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case UINT8, BOOL -> new byte[n];
            case FLOAT16, BFLOAT16 -> new short[n];
        };
    }

    /** Product of the dimensions, or -1 if one is negative; saturates at Long.MAX_VALUE. */
    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) return -1;
            n = saturatingMultiply(n, d);
        }
        return n;
    }

    private static long saturatingMultiply(long a, long b) {
        if (a == 0 || b == 0) return 0;
        long r = a * b;
        if (Math.multiplyHigh(a, b) != 0 || r < 0) return Long.MAX_VALUE;
        return r;
    }

    private static NpyFormatException truncated(Path file, String detail) {
        return new NpyFormatException(file, "truncated: " + detail);
    }

    private static String shapeStr(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int k = 0; k < shape.length; k++) {
            if (k > 0) b.append(", ");
            b.append(shape[k]);
        }
        if (shape.length == 1) b.append(',');
        return b.append(')').toString();
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < Math.min(b.length, n); k++) s.append(k > 0 ? " " : "").append(String.format("%02X", b[k] & 0xff));
        return s.toString();
    }

    private static String quote(String header) {
        String t = header.strip();
        return "\"" + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + "\"";
    }
}
