package org.magnet4j.nn.parity;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;

/** One folder of parity/cases: its case.json (format in parity/README.md) and access to its .npy files. */
record ParityCase(String name, Path dir, String op, JsonObject args, List<String> inputs, List<String> outputs,
                  boolean grad, List<String> gradInputs, String dtype, Compare.Tol tol, Compare.Tol gradTol,
                  Map<String, String> check, String note) {

    static ParityCase load(Path dir) throws IOException {
        JsonObject j = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
        boolean grad = j.has("grad") && j.get("grad").getAsBoolean();
        List<String> gradInputs = grad ? strings(j.get("grad_inputs")) : List.of();
        Map<String, String> check = new LinkedHashMap<>();
        if (j.has("check") && j.get("check").isJsonObject())
            for (var e : j.getAsJsonObject("check").entrySet()) check.put(e.getKey(), e.getValue().getAsString());
        return new ParityCase(dir.getFileName().toString(), dir, j.get("op").getAsString(),
                j.has("args") && j.get("args").isJsonObject() ? j.getAsJsonObject("args") : new JsonObject(),
                strings(j.get("inputs")), strings(j.get("outputs")), grad, gradInputs,
                j.has("dtype") ? j.get("dtype").getAsString() : "float32",
                Compare.Tol.of(j.get("tol")), Compare.Tol.of(j.get("grad_tol")), check,
                j.has("note") ? j.get("note").getAsString() : "");
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        if (e != null && e.isJsonArray()) for (JsonElement x : e.getAsJsonArray()) out.add(x.getAsString());
        return out;
    }

    /** A .npy file of this case by stem ("in0", "out1", "gout0", "grad_in2"), as a CPU tensor. */
    Tensor tensor(String stem) throws IOException { return Npy.readTensor(dir.resolve(stem + ".npy")); }

    // ---- argument access ----------------------------------------------------------------------------------
    boolean isNull(String key) { return !args.has(key) || args.get(key).isJsonNull(); }

    int intArg(String key) { return args.get(key).getAsInt(); }

    double doubleArg(String key) { return args.get(key).getAsDouble(); }

    boolean boolArg(String key) { return args.get(key).getAsBoolean(); }

    boolean boolArg(String key, boolean dflt) { return isNull(key) ? dflt : boolArg(key); }

    String stringArg(String key) { return args.get(key).getAsString(); }

    int[] intsArg(String key) {
        JsonElement e = args.get(key);
        if (e.isJsonPrimitive()) return new int[] {e.getAsInt()};
        var a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }

    double[] doublesArg(String key) {
        JsonElement e = args.get(key);
        if (e.isJsonPrimitive()) return new double[] {e.getAsDouble(), e.getAsDouble()};
        var a = e.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }
}
