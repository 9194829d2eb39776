package org.magnet4j.convert;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The allow-list of globals a checkpoint may name: what a state dict needs and nothing else. Each allowed name maps
 * to our own Java implementation (or to an inert marker); any other name is refused with an error naming it, before
 * anything could be called. A checkpoint is untrusted input: nothing in it is ever executed or instantiated.
 */
final class PickleGlobals {
    private final Map<String, Object> allowed = new HashMap<>();

    static PickleGlobals forCheckpoints() {
        PickleGlobals g = new PickleGlobals();
        g.allowed.put("collections.OrderedDict", (PyCallable) PickleGlobals::orderedDict);
        g.allowed.put("torch._utils._rebuild_tensor_v2", (PyCallable) TorchRebuild::tensorV2);
        g.allowed.put("torch._utils._rebuild_tensor", (PyCallable) TorchRebuild::tensorV1);
        g.allowed.put("torch._utils._rebuild_parameter", (PyCallable) TorchRebuild::parameter);
        g.allowed.put("torch._utils._rebuild_parameter_with_state", (PyCallable) TorchRebuild::parameter);
        g.allowed.put("torch._tensor._rebuild_from_type_v2", (PyCallable) TorchRebuild::fromTypeV2);
        for (StorageType t : StorageType.values()) g.allowed.put("torch." + t.torchName, t);
        g.allowed.put("torch.Size", (PyCallable) PickleGlobals::torchSize);
        g.allowed.put("_codecs.encode", (PyCallable) PickleGlobals::codecsEncode);
        // Markers only: _rebuild_from_type_v2 names the tensor class it rebuilds.
        for (String t : List.of("torch.Tensor", "torch._tensor.Tensor", "torch.nn.parameter.Parameter")) {
            int dot = t.lastIndexOf('.');
            g.allowed.put(t, new PyType(t.substring(0, dot), t.substring(dot + 1)));
        }
        return g;
    }

    Object resolve(String module, String name) {
        Object o = allowed.get(module + "." + name);
        if (o != null) return o;
        String full = printable(module) + "." + printable(name);
        if (module.equals("torch") && name.startsWith("Complex") && name.endsWith("Storage"))
            throw new CorruptInputException("global " + full + " is refused: complex tensors are not supported");
        throw new CorruptInputException("global " + full + " is refused: it is not on the allow-list of what a state dict needs"
                + " (a checkpoint is untrusted input; nothing in it is executed)");
    }

    /** A name from the file, made safe to print: clipped, control characters escaped. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        if (s.length() > 100) sb.append("...");
        return sb.toString();
    }

    private static Object orderedDict(PyTuple args) {
        PyDict d = new PyDict();
        if (args.size() == 0) return d;
        if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (!(p instanceof PyTuple t) || t.size() != 2 || !(t.get(0) instanceof String k))
                    throw new CorruptInputException("OrderedDict() given something other than (str, value) pairs");
                d.put(k, t.get(1));
            }
            return d;
        }
        throw new CorruptInputException("OrderedDict() with unsupported arguments");
    }

    private static Object torchSize(PyTuple args) {
        if (args.size() == 0) return PyTuple.EMPTY;
        if (args.size() != 1) throw new CorruptInputException("torch.Size() takes one argument");
        Object a = args.get(0);
        List<Object> items = a instanceof PyTuple t ? t.asList() : a instanceof List<?> l ? new java.util.ArrayList<>(l) : null;
        if (items == null) throw new CorruptInputException("torch.Size() of a " + PickleMachine.describe(a));
        for (Object o : items) if (!(o instanceof Long)) throw new CorruptInputException("torch.Size() of a non-integer");
        return new PyTuple(items.toArray());
    }

    /** _codecs.encode(str, 'latin1'): how protocol 2 pickles written by Python 3 spell a bytes object. */
    private static Object codecsEncode(PyTuple args) {
        if (args.size() < 1 || args.size() > 2 || !(args.get(0) instanceof String s))
            throw new CorruptInputException("_codecs.encode() with unsupported arguments");
        String enc = args.size() == 2 && args.get(1) instanceof String e ? e.toLowerCase().replace('_', '-') : "utf-8";
        return switch (enc) {
            case "latin1", "latin-1", "iso-8859-1" -> s.getBytes(StandardCharsets.ISO_8859_1);
            case "utf-8", "utf8" -> s.getBytes(StandardCharsets.UTF_8);
            case "ascii" -> s.getBytes(StandardCharsets.US_ASCII);
            default -> throw new CorruptInputException("_codecs.encode() to unsupported encoding " + printable(enc));
        };
    }

    static long asLong(Object o, String what) {
        if (o instanceof Long l) return l;
        if (o instanceof Boolean b) return b ? 1 : 0;
        if (o instanceof BigInteger) throw new CorruptInputException(what + " is an absurdly large integer");
        throw new CorruptInputException(what + " is a " + PickleMachine.describe(o) + ", not an integer");
    }
}
