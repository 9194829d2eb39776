package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.DType;

/** safetensors: byte-for-byte against the specification, round trips of every dtype, refusal of bad headers. */
class SafetensorsTest {
    @TempDir Path dir;

    /**
     * The specification (huggingface/safetensors README, "Format"): u64 little-endian header size N, then N bytes of
     * UTF-8 JSON starting with '{', optionally padded with spaces (the reference writer pads to 8), then the data,
     * little-endian, row-major, each tensor at [begin, end) of the data section. Built here by hand, byte by byte.
     */
    @Test
    void writerMatchesTheSpecificationByteForByte() throws IOException {
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        t.put("w", new StoredTensor("w", DType.FLOAT32, new int[] {2, 2}, new float[] {1f, -2f, 0.5f, 3f}));
        t.put("n", new StoredTensor("n", DType.INT64, new int[] {1}, new long[] {-7}));
        t.put("h", new StoredTensor("h", DType.FLOAT16, new int[] {}, new short[] {(short) 0x3c00}));
        Path out = dir.resolve("spec.safetensors");
        SafetensorsWriter.write(out, t, Map.of("format", "pt"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[24,26]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        expected.write(header);
        for (int i = header.length; i < padded; i++) expected.write(' ');
        ByteBuffer data = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1f).putFloat(-2f).putFloat(0.5f).putFloat(3f).putLong(-7).putShort((short) 0x3c00);
        expected.write(data.array());
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(out));
        // Concretely: the first data byte of 1.0f (0x3f800000) little-endian is 00 00 80 3f.
        byte[] b = Files.readAllBytes(out);
        assertEquals(0x3f, b[8 + padded + 3] & 0xff);
        assertEquals(0, (8 + padded) % 8, "data section starts 8-byte aligned");
    }

    @Test
    void everyDtypeRoundTripsBitForBit() throws IOException {
        Map<String, StoredTensor> t = new LinkedHashMap<>();
        t.put("f32", new StoredTensor("f32", DType.FLOAT32, new int[] {3}, new float[] {Float.NaN, -0f, Float.MIN_VALUE}));
        t.put("f64", new StoredTensor("f64", DType.FLOAT64, new int[] {1, 2}, new double[] {1e-300, -1}));
        t.put("f16", new StoredTensor("f16", DType.FLOAT16, new int[] {2}, new short[] {(short) 0xfc00, 1}));
        t.put("bf16", new StoredTensor("bf16", DType.BFLOAT16, new int[] {2}, new short[] {(short) 0x3f80, (short) 0x8000}));
        t.put("i64", new StoredTensor("i64", DType.INT64, new int[] {2}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        t.put("i32", new StoredTensor("i32", DType.INT32, new int[] {1}, new int[] {-5}));
        t.put("u8", new StoredTensor("u8", DType.UINT8, new int[] {2}, new byte[] {(byte) 255, 0}));
        t.put("bool", new StoredTensor("bool", DType.BOOL, new int[] {2}, new byte[] {1, 0}));
        t.put("empty", new StoredTensor("empty", DType.FLOAT32, new int[] {0, 3}, new float[0]));
        t.put("quote\"name\\", new StoredTensor("quote\"name\\", DType.FLOAT32, new int[] {}, new float[] {2}));
        Path out = dir.resolve("all.safetensors");
        SafetensorsWriter.write(out, t, Map.of("note", "ünïcode \"quoted\""));
        Checkpoint c = Checkpoints.load(out, LoadOptions.raw());
        assertEquals(Checkpoint.Format.SAFETENSORS, c.format());
        assertEquals(t.keySet(), c.tensors().keySet());
        for (StoredTensor s : t.values()) assertTrue(s.contentEquals(c.get(s.name())), s.name());
        assertEquals("ünïcode \"quoted\"", c.info().get("metadata.note"));
    }

    @Test
    void badHeadersAreRefused() throws IOException {
        String[] headers = {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",      // bytes do not match the shape
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",     // negative dimension
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",      // gap
            "{\"a\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}",       // unknown dtype
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999]}}",  // beyond the data
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",    // not an integer
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", // overlap
            "{\"a\":[1,2,3",                                                         // not JSON
            "{" + "[".repeat(100000) + "}",                                          // deep nesting
        };
        for (String h : headers) {
            byte[] json = h.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).putFloat(1f);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(b.array(), "bad.safetensors", LoadOptions.raw()), h);
            assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        }
    }
}
