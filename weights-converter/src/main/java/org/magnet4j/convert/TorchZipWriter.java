package org.magnet4j.convert;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict the way {@code torch.save(state_dict, f)} does (zip serialization, PyTorch >= 1.6), so that
 * PyTorch's {@code torch.load} (also with {@code weights_only=True}) and this module's readers load it:
 * <ul>
 * <li>{@code archive/data.pkl}: pickle protocol 2 of a {@code collections.OrderedDict} whose values are
 * {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())} calls, each storage a
 * persistent id {@code ('storage', torch.FloatStorage, '<key>', 'cpu', numel)};</li>
 * <li>{@code archive/data/<key>}: each tensor's elements, little-endian, row-major (one storage per tensor);</li>
 * <li>{@code archive/version} ({@code 3}) and {@code archive/byteorder} ({@code little}).</li>
 * </ul>
 * Entries are stored uncompressed, each storage's bytes aligned to 64 bytes in the file (padding in the local
 * header's extra field, as PyTorch's writer does), with a fixed timestamp so equal tensors give equal bytes. The
 * file appears atomically (temporary file in the same folder, then a rename).
 */
public final class TorchZipWriter {
    private static final String ARCHIVE = "archive/";
    private static final int ALIGN = 64;
    private static final long FIXED_TIME = 315532800000L + 86_400_000L; // 1980-01-02, inside the DOS date range

    private TorchZipWriter() {}

    public static void write(Path out, Map<String, StoredTensor> tensors) throws CheckpointException {
        byte[] pickle = pickle(tensors);
        AtomicFiles.write(out, ch -> {
            CountingStream counting = new CountingStream(Channels.newOutputStream(ch));
            ZipOutputStream zip = new ZipOutputStream(counting); // not closed: that would close the channel before it is forced
            {
                stored(zip, counting, ARCHIVE + "data.pkl", pickle, false);
                stored(zip, counting, ARCHIVE + "byteorder", "little".getBytes(StandardCharsets.US_ASCII), false);
                int key = 0;
                for (StoredTensor t : tensors.values()) stored(zip, counting, ARCHIVE + "data/" + key++, bytes(t), true);
                stored(zip, counting, ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII), false);
            }
            zip.finish();
            zip.flush();
        });
    }

    private static void stored(ZipOutputStream zip, CountingStream counting, String name, byte[] data, boolean align) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(FIXED_TIME);
        if (align) {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            long start = counting.count + 30 + nameBytes.length + 4; // local header, name, extra-field header
            int pad = (int) ((ALIGN - start % ALIGN) % ALIGN);
            byte[] extra = new byte[4 + pad];
            extra[0] = 'F';
            extra[1] = 'B';
            extra[2] = (byte) pad;
            extra[3] = (byte) (pad >> 8);
            e.setExtra(extra);
        }
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** The tensor's elements, little-endian. */
    static byte[] bytes(StoredTensor t) {
        int n = (int) t.numel();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.data()) {
            case float[] a -> b.asFloatBuffer().put(a, 0, n);
            case double[] a -> b.asDoubleBuffer().put(a, 0, n);
            case long[] a -> b.asLongBuffer().put(a, 0, n);
            case int[] a -> b.asIntBuffer().put(a, 0, n);
            case short[] a -> b.asShortBuffer().put(a, 0, n);
            case byte[] a -> b.put(a, 0, n);
            default -> throw new IllegalArgumentException(t.name() + ": unsupported data " + t.data().getClass());
        }
        return b.array();
    }

    // ---- pickle, protocol 2 -----------------------------------------------------------------------------------

    static byte[] pickle(Map<String, StoredTensor> tensors) {
        Pickler p = new Pickler();
        p.op(0x80).op(2);
        p.global("collections", "OrderedDict").op(')').op('R');
        p.op('(');
        int key = 0;
        for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
            StoredTensor t = e.getValue();
            p.string(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            // persistent id of the storage
            p.op('(').string("storage").global("torch", storageName(t)).string(String.valueOf(key++)).string("cpu").integer(t.numel()).op('t').op('Q');
            p.integer(0);
            int[] shape = t.shape();
            p.op('(');
            for (int s : shape) p.integer(s);
            p.op('t');
            p.op('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= shape[d];
            }
            for (long s : strides) p.integer(s);
            p.op('t');
            p.op(0x89); // requires_grad False
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R');
        }
        p.op('u').op('.');
        return p.out.toByteArray();
    }

    private static String storageName(StoredTensor t) {
        for (StorageType s : new StorageType[] {StorageType.FLOAT, StorageType.DOUBLE, StorageType.HALF, StorageType.BFLOAT16,
                StorageType.LONG, StorageType.INT, StorageType.BYTE, StorageType.BOOL})
            if (s.dtype == t.dtype()) return s.torchName;
        throw new IllegalArgumentException(t.name() + ": no torch storage for " + t.dtype());
    }

    private static final class Pickler {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickler op(int code) {
            out.write(code);
            return this;
        }

        Pickler global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickler string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le32(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickler integer(long v) {
            if (v >= 0 && v < 256) return op('K').op((int) v);
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                le32((int) v);
                return this;
            }
            op(0x8a).op(8);
            for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
            return this;
        }

        private void le32(int v) {
            for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) { super(out); }

        @Override public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
