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
 * A zip reader over a memory-mapped file (or a byte array). We parse the zip ourselves rather than use
 * java.util.zip.ZipFile so that every offset and size is checked against the real file before use, stored
 * entries are read in place with no copy, CRCs are verified, and in-memory bytes (the fuzz test) read the same way.
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

    private final MemorySegment file;
    private final long size;
    private final long centralStart;
    private final Map<String, Entry> entries;

    private ZipContainer(MemorySegment file, long centralStart, Map<String, Entry> entries) {
        this.file = file;
        this.size = file.byteSize();
        this.centralStart = centralStart;
        this.entries = entries;
    }

    static boolean looksLikeZip(MemorySegment file) {
        if (file.byteSize() < 4) return false;
        int sig = file.get(U32, 0);
        return sig == LOCAL || sig == EOCD;
    }

    static ZipContainer open(MemorySegment file) {
        long size = file.byteSize();
        if (size < 22) throw new CorruptInputException("zip is truncated: " + size + " bytes cannot hold an end-of-central-directory record");
        long eocd = -1;
        for (long p = size - 22, stop = Math.max(0, size - 22 - 0xffff); p >= stop; p--) {
            if (file.get(U32, p) == EOCD) { eocd = p; break; }
        }
        if (eocd < 0) throw new CorruptInputException("zip is truncated or damaged: no end-of-central-directory record");
        long count = u16(file, eocd + 10);
        long cdSize = u32(file, eocd + 12);
        long cdOffset = u32(file, eocd + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            // zip64: the real values are in the zip64 end record, found through its locator just before the EOCD.
            if (eocd < 20 || file.get(U32, eocd - 20) != EOCD64_LOCATOR)
                throw new CorruptInputException("zip64 end-of-central-directory locator is missing");
            long rec = file.get(U64, eocd - 20 + 8);
            if (rec < 0 || rec > eocd - 20 - 56 || file.get(U32, rec) != EOCD64)
                throw new CorruptInputException("zip64 end-of-central-directory record is missing or out of range");
            count = file.get(U64, rec + 32);
            cdSize = file.get(U64, rec + 40);
            cdOffset = file.get(U64, rec + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > eocd || cdSize > eocd - cdOffset)
            throw new CorruptInputException("zip central directory (offset " + cdOffset + ", " + cdSize + " bytes) lies outside the file");
        if (count < 0 || count > cdSize / 46)
            throw new CorruptInputException("zip claims " + count + " entries but its central directory holds at most " + cdSize / 46);
        Map<String, Entry> entries = new LinkedHashMap<>();
        long p = cdOffset, cdEnd = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cdEnd || file.get(U32, p) != CENTRAL)
                throw new CorruptInputException("zip central directory entry " + i + " is damaged");
            int flags = u16(file, p + 8), method = u16(file, p + 10);
            int crc = file.get(U32, p + 16);
            long csize = u32(file, p + 20), usize = u32(file, p + 24);
            int nameLen = u16(file, p + 28), extraLen = u16(file, p + 30), commentLen = u16(file, p + 32);
            long lho = u32(file, p + 42);
            long next = p + 46 + nameLen + extraLen + commentLen;
            if (next > cdEnd) throw new CorruptInputException("zip central directory entry " + i + " runs past the directory");
            String name = new String(file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // zip64 extra field (id 1): 8-byte values for exactly the fields that are 0xffffffff, in this order.
            for (long x = p + 46 + nameLen, xEnd = x + extraLen; x + 4 <= xEnd; ) {
                int id = u16(file, x), len = u16(file, x + 2);
                long v = x + 4;
                if (v + len > xEnd) break;
                if (id == 1) {
                    if (usize == 0xffffffffL && v + 8 <= x + 4 + len) { usize = file.get(U64, v); v += 8; }
                    if (csize == 0xffffffffL && v + 8 <= x + 4 + len) { csize = file.get(U64, v); v += 8; }
                    if (lho == 0xffffffffL && v + 8 <= x + 4 + len) { lho = file.get(U64, v); }
                }
                x += 4 + len;
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
     * The uncompressed bytes of an entry: a slice of the file when stored (no copy), a fresh array when deflated.
     * With {@code verifyCrc} the CRC-32 is checked, which catches flipped bytes in the data.
     */
    MemorySegment data(Entry e, boolean verifyCrc) {
        String what = "zip entry '" + PickleGlobals.printable(e.name()) + "'";
        long lho = e.localHeaderOffset();
        if (lho + 30 > centralStart || file.get(U32, lho) != LOCAL)
            throw new CorruptInputException(what + ": local header is missing or damaged");
        if ((e.flags() & 1) != 0) throw new CorruptInputException(what + " is encrypted");
        long start = lho + 30 + u16(file, lho + 26) + u16(file, lho + 28);
        if (start > centralStart || e.compressedSize() > centralStart - start)
            throw new CorruptInputException(what + ": its " + e.compressedSize() + " bytes run past the end of the data (truncated file?)");
        MemorySegment raw = file.asSlice(start, e.compressedSize());
        MemorySegment out = switch (e.method()) {
            case 0 -> {
                if (e.size() != e.compressedSize())
                    throw new CorruptInputException(what + " is stored but its sizes differ (" + e.size() + " vs " + e.compressedSize() + ")");
                yield raw;
            }
            case 8 -> MemorySegment.ofArray(inflate(raw, e.size(), what));
            default -> throw new CorruptInputException(what + " uses unsupported compression method " + e.method());
        };
        if (verifyCrc && crc(out) != e.crc()) throw new CorruptInputException(what + " fails its CRC-32 check (the file is damaged)");
        return out;
    }

    private static byte[] inflate(MemorySegment raw, long size, String what) {
        // Deflate expands at most ~1032:1; a larger claim is a zip bomb, refused before allocating.
        if (size > Shapes.MAX_ELEMENTS || size > raw.byteSize() * 1032 + 1024)
            throw new CorruptInputException(what + " claims an implausible uncompressed size of " + size + " bytes");
        byte[] out = new byte[(int) size];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw.asByteBuffer());
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
        long chunk = 1L << 30;
        for (long p = 0; p < s.byteSize(); p += chunk)
            crc.update(s.asSlice(p, Math.min(chunk, s.byteSize() - p)).asByteBuffer());
        return (int) crc.getValue();
    }

    private static int u16(MemorySegment f, long p) { return f.get(U16, p) & 0xffff; }

    private static long u32(MemorySegment f, long p) { return f.get(U32, p) & 0xffffffffL; }
}
