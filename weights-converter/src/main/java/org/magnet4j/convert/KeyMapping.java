package org.magnet4j.convert;

import java.util.List;
import java.util.Map;

/**
 * How checkpoint keys become model keys. Applied in order: strip leading wrapper prefixes (repeatedly, so
 * {@code module.model.x} becomes {@code x}), drop {@code num_batches_tracked} if asked, then the first matching
 * prefix rename.
 *
 * @param stripPrefixes   leading prefixes to remove, e.g. {@code module.} (DataParallel) and {@code model.}
 * @param dropNumBatchesTracked drop batch-norm {@code num_batches_tracked} counters (the engine does not need them)
 * @param renamePrefixes  (from, to) pairs: a key starting with {@code from} gets {@code to} instead
 */
public record KeyMapping(List<String> stripPrefixes, boolean dropNumBatchesTracked, List<Map.Entry<String, String>> renamePrefixes) {

    public KeyMapping {
        stripPrefixes = List.copyOf(stripPrefixes);
        renamePrefixes = List.copyOf(renamePrefixes);
    }

    /** Keys exactly as stored. */
    public static KeyMapping none() { return new KeyMapping(List.of(), false, List.of()); }

    /** Strip {@code module.} and {@code model.}; keep everything else. */
    public static KeyMapping defaults() { return new KeyMapping(List.of("module.", "model."), false, List.of()); }

    /** The defaults plus HRNet's init rule: {@code last_layer} becomes {@code aux_head}. */
    public static KeyMapping hrnet() { return defaults().withRename("last_layer", "aux_head"); }

    public KeyMapping withDropNumBatchesTracked(boolean drop) { return new KeyMapping(stripPrefixes, drop, renamePrefixes); }

    public KeyMapping withStripPrefixes(List<String> prefixes) { return new KeyMapping(prefixes, dropNumBatchesTracked, renamePrefixes); }

    public KeyMapping withRename(String from, String to) {
        var list = new java.util.ArrayList<>(renamePrefixes);
        list.add(Map.entry(from, to));
        return new KeyMapping(stripPrefixes, dropNumBatchesTracked, list);
    }

    /** The mapped key, or null when the key is dropped. */
    public String map(String key) {
        String k = key;
        for (boolean again = true; again; ) {
            again = false;
            for (String p : stripPrefixes) {
                if (!p.isEmpty() && k.startsWith(p) && k.length() > p.length()) { k = k.substring(p.length()); again = true; }
            }
        }
        if (dropNumBatchesTracked && (k.equals("num_batches_tracked") || k.endsWith(".num_batches_tracked"))) return null;
        for (Map.Entry<String, String> r : renamePrefixes) {
            if (k.startsWith(r.getKey())) return r.getValue() + k.substring(r.getKey().length());
        }
        return k;
    }
}
