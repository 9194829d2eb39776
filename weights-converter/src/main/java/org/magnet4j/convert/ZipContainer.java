package org.magnet4j.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip reader over a {@link ByteSource} (a file or a byte array). We parse the zip ourselves rather than use
 * java.util.zip.ZipFile so that every offset and size is checked against the real file before anything is read or
 * allocated, storages are read in cache-sized chunks (the first with its local header) and CRC-checked as they are
 * copied out, and in-memory bytes (the fuzz test) read the same way.
 * Supports stored and deflated entries and zip64 records, which is what torch.save writes.
 */
final class ZipContainer {
    /** One central-directory entry. */
    record Entry(String name, int flags, int method, int crc, long compressedSize, long size, long localHeaderOffset) {}

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
    /** Bytes per {@link #stream} read: small enough to stay in a core's L2 cache between reading and copying out. */
    static final long STREAM_CHUNK = 256 << 10;
    /** Room for a local header, its name and torch's alignment padding, read along with an entry's first bytes. */
    private static final long HEADER_ROOM = 512;

    private final ByteSource file;
    private final long size;
    private final long centralStart;
    private final Map<String, Entry> entries;

    private ZipContainer(ByteSource file, long centralStart, Map<String, Entry> entries) {
        this.file = file;
        this.size = file.size();
        this.centralStart = centralStart;
        this.entries = entries;
    }

    static boolean looksLikeZip(MemorySegment file) { // file: the first bytes
        if (file.byteSize() < 4) return false;
        int sig = file.get(U32, 0);
        return sig == LOCAL || sig == EOCD;
    }

    static ZipContainer open(ByteSource file) {
        long size = file.size();
        if (size < 22) throw new CorruptInputException("zip is truncated: " + size + " bytes cannot hold an end-of-central-directory record");
        // The end record sits in the last 22 + 65535 (comment) bytes; read that tail once and search it backwards.
        long tailStart = Math.max(0, size - 22 - 0xffff);
        MemorySegment tail = file.read(tailStart, size - tailStart);
        long eocd = -1;
        for (long p = size - 22; p >= tailStart; p--) {
            if (tail.get(U32, p - tailStart) == EOCD) { eocd = p; break; }
        }
        if (eocd < 0) throw new CorruptInputException("zip is truncated or damaged: no end-of-central-directory record");
        long count = u16(tail, eocd - tailStart + 10);
        long cdSize = u32(tail, eocd - tailStart + 12);
        long cdOffset = u32(tail, eocd - tailStart + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            // zip64: the real values are in the zip64 end record, found through its locator just before the EOCD.
            if (eocd < 20 || file.read(eocd - 20, 4).get(U32, 0) != EOCD64_LOCATOR)
                throw new CorruptInputException("zip64 end-of-central-directory locator is missing");
            long rec = file.read(eocd - 20 + 8, 8).get(U64, 0);
            if (rec < 0 || rec > eocd - 20 - 56) throw new CorruptInputException("zip64 end-of-central-directory record is out of range");
            MemorySegment r = file.read(rec, 56);
            if (r.get(U32, 0) != EOCD64) throw new CorruptInputException("zip64 end-of-central-directory record is missing");
            count = r.get(U64, 32);
            cdSize = r.get(U64, 40);
            cdOffset = r.get(U64, 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > eocd || cdSize > eocd - cdOffset)
            throw new CorruptInputException("zip central directory (offset " + cdOffset + ", " + cdSize + " bytes) lies outside the file");
        if (count < 0 || count > cdSize / 46)
            throw new CorruptInputException("zip claims " + count + " entries but its central directory holds at most " + cdSize / 46);
        if (cdSize > Shapes.MAX_ELEMENTS) throw new CorruptInputException("zip central directory of " + cdSize + " bytes is implausibly large");
        // The directory is copied to a byte[] and parsed from there: cheap (about 100 bytes per entry) and fast on a cold JVM.
        byte[] cd = file.read(cdOffset, cdSize).toArray(ValueLayout.JAVA_BYTE);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.length || le32(cd, p) != CENTRAL)
                throw new CorruptInputException("zip central directory entry " + i + " is damaged");
            int flags = le16(cd, p + 8), method = le16(cd, p + 10);
            int crc = le32(cd, p + 16);
            long csize = le32(cd, p + 20) & 0xffffffffL, usize = le32(cd, p + 24) & 0xffffffffL;
            int nameLen = le16(cd, p + 28), extraLen = le16(cd, p + 30), commentLen = le16(cd, p + 32);
            long lho = le32(cd, p + 42) & 0xffffffffL;
            int next = p + 46 + nameLen + extraLen + commentLen;
            if (next > cd.length) throw new CorruptInputException("zip central directory entry " + i + " runs past the directory");
            String name = new String(cd, p + 46, nameLen, StandardCharsets.UTF_8);
            // zip64 extra field (id 1): 8-byte values for exactly the fields that are 0xffffffff, in this order.
            for (int x = p + 46 + nameLen, xEnd = x + extraLen; x + 4 <= xEnd; ) {
                int id = le16(cd, x), len = le16(cd, x + 2);
                int v = x + 4, vEnd = v + len;
                if (vEnd > xEnd) break;
                if (id == 1) {
                    if (usize == 0xffffffffL && v + 8 <= vEnd) { usize = le64(cd, v); v += 8; }
                    if (csize == 0xffffffffL && v + 8 <= vEnd) { csize = le64(cd, v); v += 8; }
                    if (lho == 0xffffffffL && v + 8 <= vEnd) { lho = le64(cd, v); }
                }
                x = vEnd;
            }
            if (csize < 0 || usize < 0 || lho < 0 || lho > cdOffset)
                throw new CorruptInputException("zip entry '" + PickleGlobals.printable(name) + "' has sizes or offset outside the file");
            if (entries.putIfAbsent(name, new Entry(name, flags, method, crc, csize, usize, lho)) != null)
                throw new CorruptInputException("zip holds two entries named '" + PickleGlobals.printable(name) + "'");
            p = next;
        }
        return new ZipContainer(file, cdOffset, Collections.unmodifiableMap(entries));
    }

    Map<String, Entry> entries() { return entries; }

    Entry entry(String name) { return entries.get(name); }

    /**
     * The uncompressed bytes of an entry, read from the file (or sliced from memory); inflated when deflated.
     * With {@code verifyCrc} the CRC-32 is checked, which catches flipped bytes in the data.
     */
    MemorySegment data(Entry e, boolean verifyCrc) { return data(e, verifyCrc, null); }

    /** As {@link #data(Entry, boolean)}; a stored entry read from a file lands in {@code scratch} when one is given. */
    MemorySegment data(Entry e, boolean verifyCrc, ScratchBuffer scratch) {
        String what = describe(e);
        long start = dataStart(e, what);
        MemorySegment raw = scratch == null ? file.read(start, e.compressedSize()) : file.read(start, e.compressedSize(), scratch);
        MemorySegment out = switch (e.method()) {
            case 0 -> raw;
            case 8 -> MemorySegment.ofArray(inflate(raw.toArray(ValueLayout.JAVA_BYTE), e.size(), what));
            default -> throw new CorruptInputException(what + " uses unsupported compression method " + e.method());
        };
        if (verifyCrc && crc(out) != e.crc()) throw new CorruptInputException(what + " fails its CRC-32 check (the file is damaged)");
        return out;
    }

    /** Receives an entry's bytes a chunk at a time: {@code chunk} holds bytes [at, at + chunk.byteSize()). */
    interface ChunkSink {
        void accept(MemorySegment chunk, long at);
    }

    /**
     * Hands a stored entry to {@code sink} in chunks read through {@code scratch}, so each chunk is read, CRC-checked
     * and copied out while it is still in cache, instead of passing the whole entry through memory three times.
     * The CRC is known only at the end: on a mismatch this throws after the sink has seen damaged bytes, so the
     * sink must be writing into something the caller drops on failure. Deflated entries come as one chunk.
     */
    void stream(Entry e, boolean verifyCrc, ScratchBuffer scratch, ChunkSink sink) {
        if (e.method() != 0) {
            sink.accept(data(e, verifyCrc, scratch), 0);
            return;
        }
        String what = describe(e);
        long lho = checkedHeaderOffset(e, what);
        // One read for the local header and the first chunk: most storages are small, so this halves the reads.
        long headRead = Math.min(centralStart - lho, HEADER_ROOM + Math.min(e.compressedSize(), STREAM_CHUNK));
        MemorySegment head = file.read(lho, headRead, scratch);
        long start = dataStart(e, what, lho, head);
        long inHead = Math.min(e.size(), Math.max(0, lho + headRead - start));
        if (inHead < e.size()) inHead &= ~7L; // later chunks must start at a multiple of every element size
        CRC32 crc = new CRC32();
        if (inHead > 0) {
            MemorySegment chunk = head.asSlice(start - lho, inHead);
            if (verifyCrc) crc.update(chunk.asByteBuffer());
            sink.accept(chunk, 0);
        }
        for (long at = inHead; at < e.size(); at += STREAM_CHUNK) {
            MemorySegment chunk = file.read(start + at, Math.min(STREAM_CHUNK, e.size() - at), scratch);
            if (verifyCrc) crc.update(chunk.asByteBuffer());
            sink.accept(chunk, at);
        }
        if (verifyCrc && (int) crc.getValue() != e.crc()) throw new CorruptInputException(what + " fails its CRC-32 check (the file is damaged)");
    }

    private static String describe(Entry e) { return "zip entry '" + PickleGlobals.printable(e.name()) + "'"; }

    private long checkedHeaderOffset(Entry e, String what) {
        long lho = e.localHeaderOffset();
        if (lho + 30 > centralStart) throw new CorruptInputException(what + ": local header is missing or damaged");
        return lho;
    }

    /** Where an entry's bytes start, after checking its local header and that the bytes lie inside the file. */
    private long dataStart(Entry e, String what) {
        long lho = checkedHeaderOffset(e, what);
        return dataStart(e, what, lho, file.read(lho, 30));
    }

    /** As above, from {@code local}: at least the 30 fixed bytes of the local header at {@code lho}. */
    private long dataStart(Entry e, String what, long lho, MemorySegment local) {
        if (local.get(U32, 0) != LOCAL) throw new CorruptInputException(what + ": local header is missing or damaged");
        if ((e.flags() & 1) != 0) throw new CorruptInputException(what + " is encrypted");
        long start = lho + 30 + u16(local, 26) + u16(local, 28);
        if (start > centralStart || e.compressedSize() > centralStart - start)
            throw new CorruptInputException(what + ": its " + e.compressedSize() + " bytes run past the end of the data (truncated file?)");
        if (e.method() == 0 && e.size() != e.compressedSize())
            throw new CorruptInputException(what + " is stored but its sizes differ (" + e.size() + " vs " + e.compressedSize() + ")");
        return start;
    }

    private static byte[] inflate(byte[] raw, long size, String what) {
        // Deflate expands at most ~1032:1; a larger claim is a zip bomb, refused before allocating.
        if (size > Shapes.MAX_ELEMENTS || size > raw.length * 1032L + 1024)
            throw new CorruptInputException(what + " claims an implausible uncompressed size of " + size + " bytes");
        byte[] out = new byte[(int) size];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw);
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                n += k;
            }
            if (n != out.length) throw new CorruptInputException(what + " inflates to fewer bytes than its declared " + size);
            return out;
        } catch (DataFormatException ex) {
            throw new CorruptInputException(what + " holds damaged compressed data");
        } finally {
            inf.end();
        }
    }

    private static int crc(MemorySegment s) {
        CRC32 crc = new CRC32();
        if (s.heapBase().orElse(null) instanceof byte[] b && s.byteSize() == b.length) {
            crc.update(b);
        } else {
            long chunk = 1L << 30;
            for (long p = 0; p < s.byteSize(); p += chunk)
                crc.update(s.asSlice(p, Math.min(chunk, s.byteSize() - p)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private static int le16(byte[] b, int i) { return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8; }

    private static int le32(byte[] b, int i) { return le16(b, i) | le16(b, i + 2) << 16; }

    private static long le64(byte[] b, int i) { return (le32(b, i) & 0xffffffffL) | (long) le32(b, i + 4) << 32; }

    private static int u16(MemorySegment f, long p) { return f.get(U16, p) & 0xffff; }

    private static long u32(MemorySegment f, long p) { return f.get(U32, p) & 0xffffffffL; }
}
