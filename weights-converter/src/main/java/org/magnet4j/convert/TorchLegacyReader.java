package org.magnet4j.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy serialization of torch.save (before 1.6, or {@code _use_new_zipfile_serialization=False}): a stream of
 * pickles (magic number, protocol version, system info, the object, the sorted list of storage keys) followed by
 * each storage in that order as an 8-byte element count and the raw elements. Persistent ids are
 * {@code ('storage', StorageType, root_key, location, numel, view_metadata)}.
 */
final class TorchLegacyReader {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long PROTOCOL_VERSION = 1001;

    private TorchLegacyReader() {}

    static RawCheckpoint read(ByteSource file) {
        PickleGlobals globals = PickleGlobals.forCheckpoints();
        long pos = 0;
        PickleMachine magicPickle = new PickleMachine(file, pos, globals, null);
        Object magic = magicPickle.load();
        if (!(magic instanceof BigInteger b) || !b.equals(MAGIC))
            throw new CorruptInputException("wrong magic number: not a torch.save legacy file");
        pos = magicPickle.position();
        PickleMachine versionPickle = new PickleMachine(file, pos, globals, null);
        Object version = versionPickle.load();
        if (!(version instanceof Long v) || v != PROTOCOL_VERSION)
            throw new CorruptInputException("unsupported legacy protocol version (expected " + PROTOCOL_VERSION + ")");
        pos = versionPickle.position();
        PickleMachine sysPickle = new PickleMachine(file, pos, globals, null);
        Object sys = sysPickle.load();
        pos = sysPickle.position();
        boolean little = !(sys instanceof Map<?, ?> m) || !Boolean.FALSE.equals(m.get("little_endian"));
        ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;

        Map<String, StorageRef> roots = new HashMap<>();
        PickleMachine main = new PickleMachine(file, pos, globals, pid -> storage(roots, pid));
        Object root = main.load();
        pos = main.position();
        PickleMachine keysPickle = new PickleMachine(file, pos, globals, null);
        Object keys = keysPickle.load();
        pos = keysPickle.position();
        if (!(keys instanceof List<?> keyList)) throw new CorruptInputException("legacy storage key list is missing");

        // Each storage: its element count, then its bytes. Record where each starts; read nothing yet.
        ValueLayout.OfLong count = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        Map<String, Long> starts = new HashMap<>();
        for (Object k : keyList) {
            if (!(k instanceof String key)) throw new CorruptInputException("legacy storage key list holds a " + PickleMachine.describe(k));
            StorageRef ref = roots.get(key);
            if (ref == null) throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " is listed but no tensor uses it");
            if (file.size() - pos < 8) throw new CorruptInputException("file is truncated before storage " + PickleGlobals.printable(key));
            long n = file.read(pos, 8).get(count, 0);
            if (n != ref.rootNumel())
                throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " holds " + n + " elements but the pickle declared " + ref.rootNumel());
            long bytes = n * ref.type().elementSize(); // n <= MAX_ELEMENTS (checked in storage()), no overflow
            if (bytes > file.size() - pos - 8)
                throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " declares " + bytes + " bytes but only "
                        + (file.size() - pos - 8) + " are left in the file (truncated?)");
            if (starts.putIfAbsent(key, pos + 8) != null) throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " is listed twice");
            pos += 8 + bytes;
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("format", "torch legacy");
        info.put("legacy protocol version", String.valueOf(PROTOCOL_VERSION));
        info.put("byte order", little ? "little" : "big");
        info.put("pickle protocol", String.valueOf(Math.max(main.protocol(), 0)));
        RawCheckpoint.StorageSource source = new RawCheckpoint.StorageSource() {
            @Override public MemorySegment bytes(StorageRef ref, ScratchBuffer scratch) {
                Long start = starts.get(ref.key());
                if (start == null) throw new CorruptInputException("storage " + PickleGlobals.printable(ref.key()) + " has no data in the file");
                return file.read(start, ref.rootNumel() * ref.type().elementSize(), scratch);
            }

            @Override public ByteOrder order() { return order; }
        };
        return new RawCheckpoint(root, source, info);
    }

    private static StorageRef storage(Map<String, StorageRef> roots, Object pid) {
        if (pid instanceof PyTuple t && t.size() > 0 && "module".equals(t.get(0)))
            throw new CorruptInputException("the file pickles whole nn.Module objects (torch.save(model)); only state dicts are supported");
        if (!(pid instanceof PyTuple t) || t.size() != 6 || !"storage".equals(t.get(0)))
            throw new CorruptInputException("persistent id is not ('storage', type, key, location, numel, view)");
        if (!(t.get(1) instanceof StorageType type)) throw new CorruptInputException("persistent id names a " + PickleMachine.describe(t.get(1)) + " instead of a storage type");
        if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String location))
            throw new CorruptInputException("persistent id has a non-string key or location");
        long numel = PickleGlobals.asLong(t.get(4), "storage size");
        if (numel < 0 || numel > Shapes.MAX_ELEMENTS) throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " declares an absurd size " + numel);
        StorageRef root = roots.get(key);
        if (root == null) {
            root = new StorageRef(key, type, location, numel, 0, numel);
            roots.put(key, root);
        } else if (root.type() != type || root.rootNumel() != numel) {
            throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " is declared twice with different types or sizes");
        }
        if (t.get(5) == null) return root;
        // A storage view (very old files): (view_key, offset, size) into the root.
        if (!(t.get(5) instanceof PyTuple v) || v.size() != 3) throw new CorruptInputException("bad storage view metadata");
        long off = PickleGlobals.asLong(v.get(1), "storage view offset"), n = PickleGlobals.asLong(v.get(2), "storage view size");
        if (off < 0 || n < 0 || off > numel || n > numel - off) throw new CorruptInputException("storage view lies outside storage " + PickleGlobals.printable(key));
        return new StorageRef(key, type, location, numel, off, n);
    }
}
