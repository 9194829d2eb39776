package org.magnet4j.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small pickles, torch zips and legacy streams by hand, for hostile-input tests. */
final class TestFiles {
    private TestFiles() {}

    /** A pickle written opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle raw(int... bytes) { for (int b : bytes) out.write(b); return this; }

        Pickle raw(byte[] bytes) { out.writeBytes(bytes); return this; }

        Pickle proto(int p) { return raw(0x80, p); }

        Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                out.write(0x8a);
                out.write(8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return this;
        }

        Pickle ints(long... vs) { mark(); for (long v : vs) integer(v); return raw('t'); }

        Pickle mark() { return raw('('); }

        Pickle tuple() { return raw('t'); }

        Pickle reduce() { return raw('R'); }

        Pickle stop() { return raw('.'); }

        byte[] bytes() { return out.toByteArray(); }
    }

    /** {name: _rebuild_tensor_v2(('storage', type, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    static byte[] tensorPickle(String name, String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        return tensorPickle(name, storageType, key, numel, offset, size, stride, false);
    }

    /** As above; {@code legacy} adds the legacy format's sixth persistent-id field (view metadata, None). */
    static byte[] tensorPickle(String name, String storageType, String key, long numel, long offset, long[] size, long[] stride, boolean legacy) {
        Pickle p = new Pickle().proto(2).raw('}').str(name);
        p.global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel);
        if (legacy) p.raw('N');
        p.tuple().raw('Q');
        p.integer(offset).ints(size).ints(stride).raw(0x89).global("collections", "OrderedDict").raw(')').reduce();
        p.tuple().reduce().raw('s').stop();
        return p.bytes();
    }

    /** A torch zip (stored entries, as torch writes) from entry names under {@code archive/} to contents. */
    static byte[] torchZip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry("archive/" + e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] torchZip(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("data.pkl", pickle);
        for (Map.Entry<String, byte[]> e : storages.entrySet()) m.put("data/" + e.getKey(), e.getValue());
        m.put("version", "3\n".getBytes(StandardCharsets.UTF_8));
        return torchZip(m);
    }

    /** The entries of a zip, to rebuild it with changes. */
    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        // torch writes stored entries with data descriptors, which ZipInputStream refuses; our reader copes.
        Map<String, byte[]> m = new LinkedHashMap<>();
        ZipContainer z = ZipContainer.open(ByteSource.of(java.lang.foreign.MemorySegment.ofArray(zip)));
        for (ZipContainer.Entry e : z.entries().values())
            m.put(e.name(), z.data(e, true).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return m;
    }

    /** A legacy stream: magic, protocol 1001, sys info, the object pickle, keys, then (count, bytes) per storage. */
    static byte[] legacy(byte[] objectPickle, String[] keys, long[] counts, byte[][] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'});
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'M', (byte) 0xe9, 3, '.'});
        out.writeBytes(new Pickle().proto(2).raw('}').str("little_endian").raw(0x88, 's').stop().bytes());
        out.writeBytes(objectPickle);
        Pickle k = new Pickle().proto(2).raw(']').mark();
        for (String key : keys) k.str(key);
        out.writeBytes(k.raw('e').stop().bytes());
        for (int i = 0; i < keys.length; i++) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(counts[i]).array());
            out.writeBytes(data[i]);
        }
        return out.toByteArray();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }
}
