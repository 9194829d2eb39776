package org.magnet4j.magnet.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The two published datasets and custom ones defined by a small JSON file.
 *
 * <p>Custom definition ({@link #load}):
 * <pre>{@code
 * {
 *   "name": "mydata",
 *   "classes": ["background", "road", "building"],
 *   "colors": [[0, 0, 0], [128, 64, 128], [70, 70, 70]],   // drawing palette, one per class
 *   "encoding": "ids",                 // "ids": grey label ids; "colors": RGB labels in the colours above
 *   "ids": {"0": 0, "7": 1, "11": 2},  // ids only: label id -> class; unlisted ids -> "unlisted"
 *   "unlisted": "ignore",              // class of unlisted ids / colours: a number or "ignore" (default: ignore
 *                                      //   for ids, 0 for colours, as the reference's image2class)
 *   "label_colors": [[0,0,0], ...],    // colours only, optional: label colours if they differ from "colors"
 *   "ignore_index": 255,               // optional; absent or null = no ignore label
 *   "eval_classes": [1, 2]             // optional; classes the mean IoU averages (default: all)
 * }
 * }</pre>
 * Errors name the file and the offending key.
 */
public final class Datasets {
    private Datasets() {}

    public static final List<String> CITYSCAPES_CLASSES = List.of("road", "sidewalk", "building", "wall", "fence", "pole",
            "traffic light", "traffic sign", "vegetation", "terrain", "sky", "person", "rider", "car", "truck", "bus", "train",
            "motorcycle", "bicycle");

    /** The standard Cityscapes colours of the 19 train classes (the reference's {@code label2color}). */
    public static final int[][] CITYSCAPES_PALETTE = {{128, 64, 128}, {244, 35, 232}, {70, 70, 70}, {102, 102, 156},
            {190, 153, 153}, {153, 153, 153}, {250, 170, 30}, {220, 220, 0}, {107, 142, 35}, {152, 251, 152}, {70, 130, 180},
            {220, 20, 60}, {255, 0, 0}, {0, 0, 142}, {0, 0, 70}, {0, 60, 100}, {0, 80, 100}, {0, 0, 230}, {119, 11, 32}};

    /** Cityscapes label ids of the 19 train ids, in train-id order. */
    private static final int[] CITYSCAPES_IDS = {7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33};

    public static final List<String> DEEPGLOBE_CLASSES = List.of("unknown", "urban", "agriculture", "rangeland", "forest",
            "water", "barren");

    public static final int[][] DEEPGLOBE_PALETTE = {{0, 0, 0}, {0, 255, 255}, {255, 255, 0}, {255, 0, 255}, {0, 255, 0},
            {0, 0, 255}, {255, 255, 255}};

    /**
     * Cityscapes: {@code *_labelIds.png} read as grey, label ids 7, 8, 11, ... 33 to train ids 0..18, every other
     * value to 255 (ignored). (The reference's table covers ids -1..33 only, so ids 34..255, which Cityscapes
     * label files never contain, would become 0 there.) Mean IoU over all 19 classes.
     */
    public static SegmentationDataset cityscapes() {
        int[] table = new int[256];
        Arrays.fill(table, 255);
        for (int t = 0; t < CITYSCAPES_IDS.length; t++) table[CITYSCAPES_IDS[t]] = t;
        return new SegmentationDataset("cityscapes", CITYSCAPES_CLASSES, CITYSCAPES_PALETTE, 255, LabelEncoding.IDS, table,
                null, 0, IntStream.range(0, 19).toArray());
    }

    /** DeepGlobe: RGB masks, the 7 colours to classes 0..6, other colours to 0 (as the reference); no ignore; mean IoU over 1..6. */
    public static SegmentationDataset deepglobe() {
        Map<Integer, Integer> colors = new HashMap<>();
        for (int k = 0; k < DEEPGLOBE_PALETTE.length; k++) colors.put(pack(DEEPGLOBE_PALETTE[k]), k);
        return new SegmentationDataset("deepglobe", DEEPGLOBE_CLASSES, DEEPGLOBE_PALETTE, -1, LabelEncoding.COLORS, null,
                colors, 0, new int[] {1, 2, 3, 4, 5, 6});
    }

    /** {@code cityscapes}, {@code deepglobe}, or a path to a custom JSON definition. */
    public static SegmentationDataset byName(String nameOrFile) {
        return switch (nameOrFile.toLowerCase(Locale.ROOT)) {
            case "cityscapes" -> cityscapes();
            case "deepglobe" -> deepglobe();
            default -> {
                Path p = Path.of(nameOrFile);
                if (!Files.exists(p))
                    throw new IllegalArgumentException("unknown dataset '" + nameOrFile + "': use cityscapes, deepglobe, or the path of a dataset JSON file");
                yield load(p);
            }
        };
    }

    static int pack(int[] rgb) { return (rgb[0] & 0xFF) << 16 | (rgb[1] & 0xFF) << 8 | (rgb[2] & 0xFF); }

    /** Reads a custom dataset definition (see the class comment). */
    public static SegmentationDataset load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ImageFileException(file, "dataset definition not found: " + file, e);
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot read dataset definition " + file + ": " + e, e);
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) throw bad(file, "the top level must be a JSON object");
            return parse(file, root.getAsJsonObject());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new ImageFileException(file, "malformed dataset definition " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static SegmentationDataset parse(Path file, JsonObject o) {
        String name = o.has("name") ? o.get("name").getAsString() : file.getFileName().toString().replaceFirst("\\.json$", "");
        if (!o.has("classes")) throw bad(file, "missing \"classes\" (a list of class names)");
        List<String> classes = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("classes")) classes.add(e.getAsString());
        int c = classes.size();
        if (!o.has("colors")) throw bad(file, "missing \"colors\" (one [r, g, b] per class)");
        int[][] palette = colors(file, o.getAsJsonArray("colors"), "colors");
        if (palette.length != c) throw bad(file, "\"colors\" has " + palette.length + " entries for " + c + " classes");
        int ignore = o.has("ignore_index") && !o.get("ignore_index").isJsonNull() ? o.get("ignore_index").getAsInt() : -1;
        String enc = o.has("encoding") ? o.get("encoding").getAsString().toLowerCase(Locale.ROOT) : (o.has("ids") ? "ids" : "colors");
        int[] eval = IntStream.range(0, c).toArray();
        if (o.has("eval_classes")) {
            JsonArray a = o.getAsJsonArray("eval_classes");
            eval = new int[a.size()];
            for (int i = 0; i < eval.length; i++) eval[i] = a.get(i).getAsInt();
        }
        switch (enc) {
            case "ids" -> {
                if (!o.has("ids")) throw bad(file, "encoding \"ids\" needs an \"ids\" object (label id -> class)");
                int unlisted = unlisted(file, o, ignore, true);
                int[] table = new int[256];
                Arrays.fill(table, unlisted);
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("ids").entrySet()) {
                    int id = Integer.parseInt(e.getKey().trim());
                    if (id < 0 || id > 255) throw bad(file, "label id " + id + " in \"ids\" is outside 0..255");
                    table[id] = classOrIgnore(file, e.getValue(), ignore, "ids." + id);
                }
                return new SegmentationDataset(name, classes, palette, ignore, LabelEncoding.IDS, table, null, 0, eval);
            }
            case "colors", "colours", "rgb" -> {
                int[][] labelColors = o.has("label_colors") ? colors(file, o.getAsJsonArray("label_colors"), "label_colors") : palette;
                if (labelColors.length != c) throw bad(file, "\"label_colors\" has " + labelColors.length + " entries for " + c + " classes");
                Map<Integer, Integer> map = new HashMap<>();
                for (int k = 0; k < c; k++)
                    if (map.putIfAbsent(pack(labelColors[k]), k) != null)
                        throw bad(file, "classes " + map.get(pack(labelColors[k])) + " and " + k + " share the label colour " + Arrays.toString(labelColors[k]));
                int unlisted = unlisted(file, o, ignore, false);
                return new SegmentationDataset(name, classes, palette, ignore, LabelEncoding.COLORS, null, map, unlisted, eval);
            }
            default -> throw bad(file, "\"encoding\" must be \"ids\" or \"colors\", got \"" + enc + "\"");
        }
    }

    private static int unlisted(Path file, JsonObject o, int ignore, boolean ids) {
        if (o.has("unlisted")) return classOrIgnore(file, o.get("unlisted"), ignore, "unlisted");
        if (ids) {
            if (ignore < 0) throw bad(file, "ids not listed in \"ids\" need a class: set \"unlisted\" or \"ignore_index\"");
            return ignore;
        }
        return 0;
    }

    private static int classOrIgnore(Path file, JsonElement v, int ignore, String key) {
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() && v.getAsString().equalsIgnoreCase("ignore")) {
            if (ignore < 0) throw bad(file, "\"" + key + "\" is \"ignore\" but there is no \"ignore_index\"");
            return ignore;
        }
        return v.getAsInt();
    }

    private static int[][] colors(Path file, JsonArray a, String key) {
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray col = a.get(i).getAsJsonArray();
            if (col.size() != 3) throw bad(file, "\"" + key + "\"[" + i + "] must be [r, g, b]");
            out[i] = new int[3];
            for (int k = 0; k < 3; k++) {
                out[i][k] = col.get(k).getAsInt();
                if (out[i][k] < 0 || out[i][k] > 255) throw bad(file, "\"" + key + "\"[" + i + "] has a component outside 0..255");
            }
        }
        return out;
    }

    private static IllegalArgumentException bad(Path file, String message) { return new IllegalArgumentException(file + ": " + message); }
}
