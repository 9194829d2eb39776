package org.magnet4j.convert;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict in an unpickled checkpoint: the object itself when it is a dict of tensors, or the entry of a
 * training checkpoint ({@code {"epoch", "state_dict", "optimizer", ...}}) that is. Only that dict's tensors are read
 * later, so an optimizer's buffers cost nothing.
 */
final class StateDictLocator {
    static final List<String> CANDIDATE_KEYS = List.of("state_dict", "model_state_dict", "model", "net", "state_dict_ema");

    /** The state dict, the path it was found at ("" for the top level), and the scalar entries beside it. */
    record Located(Map<String, TensorRef> tensors, String path, Map<String, String> extras, List<String> skipped) {}

    private StateDictLocator() {}

    static Located locate(Object root, String explicitKey) {
        if (!(root instanceof PyDict top)) throw new CorruptInputException("the checkpoint holds a " + PickleMachine.describe(root) + ", not a dict of tensors");
        if (explicitKey != null) {
            Object v = top.get(explicitKey);
            if (!(v instanceof PyDict d)) throw new CorruptInputException("the checkpoint has no dict under '" + PickleGlobals.printable(explicitKey) + "'");
            return located(d, explicitKey, top);
        }
        if (isStateDict(top)) return located(top, "", null);
        for (String k : CANDIDATE_KEYS) {
            if (top.get(k) instanceof PyDict d && isStateDict(d)) return located(d, k, top);
        }
        List<String> keys = new ArrayList<>();
        for (Object k : top.keySet()) { if (keys.size() == 10) { keys.add("..."); break; } keys.add(k instanceof String s ? PickleGlobals.printable(s) : PickleMachine.describe(k)); }
        throw new CorruptInputException("no state dict found: the checkpoint is a dict with keys " + keys + " and none of them is a dict of tensors");
    }

    /** String keys; tensor values, except None or odd extras a module may add; at least one tensor unless empty. */
    private static boolean isStateDict(PyDict d) {
        int tensors = 0, others = 0;
        for (Map.Entry<Object, Object> e : d.entrySet()) {
            if (!(e.getKey() instanceof String)) return false;
            if (e.getValue() instanceof TensorRef) tensors++;
            else others++;
        }
        return d.isEmpty() || tensors > others;
    }

    private static Located located(PyDict d, String path, PyDict top) {
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<Object, Object> e : d.entrySet()) {
            if (!(e.getKey() instanceof String k)) throw new CorruptInputException("state dict has a key of type " + PickleMachine.describe(e.getKey()));
            if (e.getValue() instanceof TensorRef t) tensors.put(k, t);
            else skipped.add(k);
        }
        Map<String, String> extras = new LinkedHashMap<>();
        if (top != null) {
            for (Map.Entry<Object, Object> e : top.entrySet()) {
                Object v = e.getValue();
                if (e.getKey() instanceof String k && (v instanceof String || v instanceof Long || v instanceof BigInteger
                        || v instanceof Double || v instanceof Boolean)) {
                    extras.put(PickleGlobals.printable(k), PickleGlobals.printable(String.valueOf(v)));
                }
            }
        }
        return new Located(tensors, path, extras, skipped);
    }
}
