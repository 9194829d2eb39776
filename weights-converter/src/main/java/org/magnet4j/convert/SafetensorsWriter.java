package org.magnet4j.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes safetensors: an 8-byte little-endian header length N, N bytes of JSON (padded with spaces to a multiple of
 * 8 so the data starts aligned, as the reference writer does), then every tensor's bytes, little-endian, row-major,
 * back to back in the given order. Our facts go in {@code __metadata__} (string to string, as the format requires).
 * The file appears atomically: it is written to a temporary file in the same folder and renamed.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(Path out, Map<String, StoredTensor> tensors, Map<String, String> metadata) throws CheckpointException {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(out, ch -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            flush(ch, buf);
            for (int p = 0; p < header.length; p += buf.capacity()) {
                buf.put(header, p, Math.min(buf.capacity(), header.length - p));
                flush(ch, buf);
            }
            for (StoredTensor t : tensors.values()) writeData(ch, buf, t.data());
        });
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. Keys keep the map's order. */
    static byte[] header(Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                json(sb, e.getKey()).append(':');
                json(sb, e.getValue());
            }
            sb.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
            StoredTensor t = e.getValue();
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("a tensor may not be named __metadata__");
            if (sb.length() > 1) sb.append(',');
            json(sb, e.getKey()).append(":{\"dtype\":\"").append(SafetensorsFormat.name(t.dtype())).append("\",\"shape\":");
            sb.append(Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(offset).append(',');
            offset += t.byteSize();
            sb.append(offset).append("]}");
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped; everything else as UTF-8. */
    static StringBuilder json(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> { if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c); }
            }
        }
        return sb.append('"');
    }

    private static void writeData(FileChannel ch, ByteBuffer buf, Object data) throws IOException {
        switch (data) {
            case float[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining() / 4); buf.asFloatBuffer().put(a, p, k); buf.position(buf.position() + 4 * k); p += k; flush(ch, buf); } }
            case double[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining() / 8); buf.asDoubleBuffer().put(a, p, k); buf.position(buf.position() + 8 * k); p += k; flush(ch, buf); } }
            case long[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining() / 8); buf.asLongBuffer().put(a, p, k); buf.position(buf.position() + 8 * k); p += k; flush(ch, buf); } }
            case int[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining() / 4); buf.asIntBuffer().put(a, p, k); buf.position(buf.position() + 4 * k); p += k; flush(ch, buf); } }
            case short[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining() / 2); buf.asShortBuffer().put(a, p, k); buf.position(buf.position() + 2 * k); p += k; flush(ch, buf); } }
            case byte[] a -> { for (int p = 0; p < a.length; ) { int k = Math.min(a.length - p, buf.remaining()); buf.put(a, p, k); p += k; flush(ch, buf); } }
            default -> throw new IllegalArgumentException("unsupported data " + data.getClass());
        }
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }
}
