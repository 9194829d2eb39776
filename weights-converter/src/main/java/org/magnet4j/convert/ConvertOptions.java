package org.magnet4j.convert;

import java.util.Map;

/**
 * How {@link Converter} converts.
 *
 * @param load           how to read the input (key mapping, widening)
 * @param expectedShapes the model's names and shapes to validate against, or null to skip validation
 * @param metadata       extra entries for the safetensors {@code __metadata__}
 */
public record ConvertOptions(LoadOptions load, Map<String, int[]> expectedShapes, Map<String, String> metadata) {

    public static ConvertOptions defaults() { return new ConvertOptions(LoadOptions.defaults(), null, Map.of()); }

    public ConvertOptions withLoadOptions(LoadOptions l) { return new ConvertOptions(l, expectedShapes, metadata); }

    public ConvertOptions withExpectedShapes(Map<String, int[]> s) { return new ConvertOptions(load, s, metadata); }

    public ConvertOptions withMetadata(Map<String, String> m) { return new ConvertOptions(load, expectedShapes, m); }
}
