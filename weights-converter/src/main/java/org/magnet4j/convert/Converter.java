package org.magnet4j.convert;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * .pth (or .safetensors) to .safetensors. The input is read and validated completely before the output is opened,
 * and the output is written atomically, so a broken or hostile input never leaves anything at the output path.
 */
public final class Converter {
    private Converter() {}

    public static Checkpoint convert(Path in, Path out, ConvertOptions options) throws CheckpointException {
        Checkpoint c = Checkpoints.load(in, options.load());
        if (options.expectedShapes() != null) {
            ValidationReport r = ValidationReport.validate(c.tensors(), options.expectedShapes());
            if (!r.ok()) throw new CheckpointException(in.toString(), "does not match the model: " + r.summary());
        }
        SafetensorsWriter.write(out, c.tensors(), metadata(c, in, options.metadata()));
        return c;
    }

    /** What we record in __metadata__: "format": "pt" (what other safetensors readers expect), then where it came from. */
    static Map<String, String> metadata(Checkpoint c, Path in, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("converter", "magnet4j weights-converter");
        m.put("source_file", String.valueOf(in.getFileName()));
        m.put("source_format", c.format().name().toLowerCase());
        for (String k : new String[] {"serialization version", "byte order", "pickle protocol", "state dict"})
            if (c.info().containsKey(k)) m.put("source_" + k.replace(' ', '_'), c.info().get(k));
        for (Map.Entry<String, String> e : c.extras().entrySet()) m.put("checkpoint_" + e.getKey(), e.getValue());
        if (extra != null) m.putAll(extra);
        return m;
    }
}
