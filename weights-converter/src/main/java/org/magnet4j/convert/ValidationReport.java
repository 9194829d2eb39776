package org.magnet4j.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint checked against what a model expects (names to shapes, so any model can supply it): keys the model
 * needs but the file lacks, keys the file has but the model does not, and keys whose shapes differ.
 */
public record ValidationReport(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {

    public static ValidationReport validate(Map<String, StoredTensor> tensors, Map<String, int[]> expected) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            StoredTensor t = tensors.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!Arrays.equals(t.shape(), e.getValue()))
                mismatched.add(e.getKey() + ": file " + Arrays.toString(t.shape()) + ", model " + Arrays.toString(e.getValue()));
        }
        for (String k : tensors.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        return new ValidationReport(List.copyOf(missing), List.copyOf(unexpected), List.copyOf(mismatched));
    }

    public boolean ok() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }

    /** A readable account, listing up to 20 names per kind. */
    public String summary() {
        if (ok()) return "all keys and shapes match";
        StringBuilder sb = new StringBuilder();
        section(sb, "missing keys", missing);
        section(sb, "unexpected keys", unexpected);
        section(sb, "shape mismatches", shapeMismatches);
        return sb.toString().trim();
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) return;
        sb.append(items.size()).append(' ').append(title).append(": ");
        sb.append(String.join(", ", items.subList(0, Math.min(20, items.size()))));
        if (items.size() > 20) sb.append(", ...");
        sb.append("; ");
    }
}
