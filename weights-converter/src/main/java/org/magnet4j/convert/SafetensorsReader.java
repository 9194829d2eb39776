package org.magnet4j.convert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads safetensors, validating the header as the reference implementation does: header length within the file and
 * under 100 MB, JSON object, known dtypes, non-negative shapes, and data offsets that tile the data section exactly
 * (in order, no gaps, no overlaps, byte counts matching the shapes). Tensors come back in data order.
 */
final class SafetensorsReader {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Item(String name, StorageType type, int[] shape, long begin, long end) {}

    private SafetensorsReader() {}

    static boolean looksLikeSafetensors(MemorySegment head, long fileSize) {
        if (head.byteSize() < 9) return false;
        long n = head.get(U64, 0);
        return n >= 2 && n <= fileSize - 8 && head.get(ValueLayout.JAVA_BYTE, 8) == '{';
    }

    static Checkpoint read(MemorySegment file, String source, LoadOptions options) throws CheckpointException {
        long n = file.get(U64, 0);
        if (n < 2 || n > file.byteSize() - 8) throw new CorruptInputException("safetensors header length " + n + " exceeds the file");
        if (n > SafetensorsFormat.MAX_HEADER) throw new CorruptInputException("safetensors header of " + n + " bytes exceeds the 100 MB limit");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE))).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptInputException("safetensors header is not valid UTF-8");
        }
        JsonObject header;
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) throw new CorruptInputException("safetensors header is not a JSON object");
            header = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new CorruptInputException("safetensors header is not valid JSON");
        }
        long dataStart = 8 + n, dataSize = file.byteSize() - dataStart;
        Map<String, String> info = new LinkedHashMap<>();
        info.put("format", "safetensors");
        List<Item> items = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!e.getValue().isJsonObject()) throw new CorruptInputException("safetensors __metadata__ is not an object");
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!(m.getValue() instanceof JsonPrimitive p) || !p.isString())
                        throw new CorruptInputException("safetensors __metadata__ value for '" + PickleGlobals.printable(m.getKey()) + "' is not a string");
                    info.put("metadata." + PickleGlobals.printable(m.getKey()), PickleGlobals.printable(p.getAsString()));
                }
                continue;
            }
            items.add(item(name, e.getValue(), dataSize));
        }
        // The offsets must tile the data section: sorted by start, each begins where the previous ended.
        items.sort(Comparator.comparingLong(Item::begin).thenComparingLong(Item::end));
        long expected = 0;
        for (Item it : items) {
            if (it.begin != expected)
                throw new CorruptInputException("safetensors tensor '" + PickleGlobals.printable(it.name) + "' starts at " + it.begin
                        + " but the previous one ends at " + expected + " (overlap or gap)");
            expected = it.end;
        }
        if (expected != dataSize)
            throw new CorruptInputException("safetensors data section holds " + dataSize + " bytes but the tensors cover " + expected);

        Map<String, Item> byName = new LinkedHashMap<>();
        for (Item it : items) byName.put(it.name, it);
        Map<String, Item> mapped = Checkpoints.mapKeys(byName, options.keyMapping(), source);
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        ViewMaterializer views = new ViewMaterializer(dataSize + (64L << 20));
        for (Map.Entry<String, Item> e : mapped.entrySet()) {
            Item it = e.getValue();
            long numel = it.end - it.begin == 0 ? 0 : (it.end - it.begin) / it.type.elementSize();
            StorageRef ref = new StorageRef(it.name, it.type, "cpu", numel, 0, numel);
            TensorRef t = TensorRef.checked(ref, 0, toLongs(it.shape), contiguousStrides(it.shape));
            Object data = views.materialize(t, file.asSlice(dataStart + it.begin, it.end - it.begin), ByteOrder.LITTLE_ENDIAN);
            StoredTensor st = new StoredTensor(e.getKey(), it.type.dtype, it.shape, data);
            tensors.put(e.getKey(), options.widenHalf() ? st.widenHalf() : st);
        }
        return new Checkpoint(source, Checkpoint.Format.SAFETENSORS, tensors, info, Map.of());
    }

    private static Item item(String name, JsonElement v, long dataSize) {
        String what = "safetensors tensor '" + PickleGlobals.printable(name) + "'";
        if (!v.isJsonObject()) throw new CorruptInputException(what + " is not described by an object");
        JsonObject o = v.getAsJsonObject();
        if (!(o.get("dtype") instanceof JsonPrimitive d) || !d.isString()) throw new CorruptInputException(what + " has no dtype");
        StorageType type = SafetensorsFormat.storageType(d.getAsString());
        if (type == null) throw new CorruptInputException(what + " has unsupported dtype " + PickleGlobals.printable(d.getAsString()));
        if (!(o.get("shape") instanceof JsonArray shapeJson)) throw new CorruptInputException(what + " has no shape");
        if (shapeJson.size() > 64) throw new CorruptInputException(what + " has " + shapeJson.size() + " dimensions");
        long[] dims = new long[shapeJson.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = integer(shapeJson.get(i), what + " shape");
        int[] shape = Shapes.checkedShape(dims, what);
        if (!(o.get("data_offsets") instanceof JsonArray off) || off.size() != 2) throw new CorruptInputException(what + " has no data_offsets pair");
        long begin = integer(off.get(0), what + " data_offsets"), end = integer(off.get(1), what + " data_offsets");
        if (begin < 0 || end < begin || end > dataSize)
            throw new CorruptInputException(what + " data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize + "-byte data section");
        long bytes = Shapes.numel(shape) * type.elementSize();
        if (end - begin != bytes)
            throw new CorruptInputException(what + " holds " + (end - begin) + " bytes but its shape needs " + bytes);
        return new Item(name, type, shape, begin, end);
    }

    private static long integer(JsonElement e, String what) {
        try {
            if (e instanceof JsonPrimitive p && p.isNumber()) return new BigDecimal(p.getAsString()).longValueExact();
        } catch (ArithmeticException | NumberFormatException ignored) {
            // fall through
        }
        throw new CorruptInputException(what + " holds something other than an integer");
    }

    private static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.max(shape[i], 1); }
        return s;
    }
}
