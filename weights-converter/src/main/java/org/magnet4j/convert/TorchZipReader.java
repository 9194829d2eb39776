package org.magnet4j.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The zip serialization of torch.save (PyTorch >= 1.6): {@code <name>/data.pkl} is the pickle,
 * {@code <name>/data/<key>} holds each storage's raw bytes, {@code <name>/version} the format version, and PyTorch 2
 * adds {@code byteorder} and {@code .data/serialization_id}. Persistent ids are
 * {@code ('storage', StorageType, key, location, numel)}; the location (e.g. cuda:0) is ignored: all loads on the CPU.
 */
final class TorchZipReader {
    private TorchZipReader() {}

    static RawCheckpoint read(ZipContainer zip, boolean verifyCrc) {
        String pkl = null;
        for (String name : zip.entries().keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (pkl != null) throw new CorruptInputException("zip holds two pickles, " + pkl + " and " + PickleGlobals.printable(name));
                pkl = name;
            }
        }
        if (pkl == null) {
            if (zip.entries().keySet().stream().anyMatch(n -> n.endsWith("constants.pkl")))
                throw new CorruptInputException("this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint");
            throw new CorruptInputException("zip entry '<name>/data.pkl' is missing: not a torch.save checkpoint");
        }
        String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        Map<String, String> info = new LinkedHashMap<>();
        info.put("format", "torch zip");
        info.put("archive name", PickleGlobals.printable(prefix.substring(0, prefix.length() - 1)));
        String version = text(zip, prefix + "version", verifyCrc);
        if (version == null) version = text(zip, prefix + ".data/version", verifyCrc);
        info.put("serialization version", version == null ? "not recorded" : PickleGlobals.printable(version));
        String byteorder = text(zip, prefix + "byteorder", verifyCrc);
        ByteOrder order;
        if (byteorder == null || byteorder.equals("little")) order = ByteOrder.LITTLE_ENDIAN;
        else if (byteorder.equals("big")) order = ByteOrder.BIG_ENDIAN;
        else throw new CorruptInputException("zip entry " + prefix + "byteorder holds neither 'little' nor 'big'");
        info.put("byte order", byteorder == null ? "little (not recorded)" : byteorder);
        if (zip.entry(prefix + ".data/serialization_id") != null) info.put("written by", "PyTorch >= 2.0 (has .data/serialization_id)");

        Map<String, StorageRef> storages = new HashMap<>();
        PickleMachine.PersistentLoader loader = pid -> storage(zip, prefix, storages, pid);
        PickleMachine m = new PickleMachine(ByteSource.of(zip.data(zip.entry(pkl), verifyCrc)), 0, PickleGlobals.forCheckpoints(), loader);
        Object root = m.load();
        info.put("pickle protocol", String.valueOf(Math.max(m.protocol(), 0)));

        RawCheckpoint.StorageSource source = new RawCheckpoint.StorageSource() {
            @Override public MemorySegment bytes(StorageRef ref, ScratchBuffer scratch) {
                MemorySegment all = zip.data(zip.entry(prefix + "data/" + ref.key()), verifyCrc, scratch);
                return all.asSlice(0, ref.rootNumel() * ref.type().elementSize());
            }

            @Override public void stream(StorageRef ref, ScratchBuffer scratch, ZipContainer.ChunkSink sink) {
                zip.stream(zip.entry(prefix + "data/" + ref.key()), verifyCrc, scratch, sink);
            }

            @Override public ByteOrder order() { return order; }
        };
        return new RawCheckpoint(root, source, info);
    }

    private static StorageRef storage(ZipContainer zip, String prefix, Map<String, StorageRef> storages, Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0)))
            throw new CorruptInputException("persistent id is not ('storage', type, key, location, numel)");
        if (!(t.get(1) instanceof StorageType type)) throw new CorruptInputException("persistent id names a " + PickleMachine.describe(t.get(1)) + " instead of a storage type");
        if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String location))
            throw new CorruptInputException("persistent id has a non-string key or location");
        long numel = PickleGlobals.asLong(t.get(4), "storage size");
        StorageRef known = storages.get(key);
        if (known != null) {
            if (known.type() != type || known.rootNumel() != numel)
                throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " is declared twice with different types or sizes");
            return known;
        }
        String entryName = prefix + "data/" + key;
        ZipContainer.Entry e = zip.entry(entryName);
        if (e == null) throw new CorruptInputException("zip entry '" + PickleGlobals.printable(entryName) + "' is missing (storage of a tensor)");
        // Check the declared size against the real entry before anything is allocated for it.
        if (numel < 0 || numel > e.size() / type.elementSize())
            throw new CorruptInputException("storage " + PickleGlobals.printable(key) + " declares " + numel + " " + type.dtype
                    + " elements but its zip entry holds only " + e.size() + " bytes");
        StorageRef ref = new StorageRef(key, type, location, numel, 0, numel);
        storages.put(key, ref);
        return ref;
    }

    private static String text(ZipContainer zip, String name, boolean verifyCrc) {
        ZipContainer.Entry e = zip.entry(name);
        if (e == null) return null;
        if (e.size() > 4096) throw new CorruptInputException("zip entry " + PickleGlobals.printable(name) + " is implausibly large");
        return new String(zip.data(e, verifyCrc).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).trim();
    }
}
