package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** loadStateDict: strict and non-strict reporting of missing/unexpected keys, shape mismatch messages. */
class StateDictTest {
    static Sequential tiny(long seed) {
        Init.manualSeed(seed);
        return new Sequential(new Conv2d(1, 2, 3, 1, 1, true), new BatchNorm2d(2), new ReLU(), new Conv2d(2, 3, 1, 1, 0, false));
    }

    @Test
    void keysFollowPyTorchNamesAndOrder() {
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight"),
                List.copyOf(tiny(1).stateDict().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight"), List.copyOf(tiny(1).namedParameters().keySet()));
    }

    @Test
    void strictLoadCopiesEverythingAndDoesNotAliasTheSource() {
        Sequential a = tiny(1), b = tiny(2);
        Map<String, Tensor> src = new LinkedHashMap<>(a.stateDict());
        assertFalse(java.util.Arrays.equals(src.get("0.weight").toFloatArray(), b.stateDict().get("0.weight").toFloatArray()));
        LoadReport r = b.loadStateDict(src, true);
        assertTrue(r.isClean());
        src.forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), b.stateDict().get(k).toDoubleArray(), k));
        Tensor w = b.stateDict().get("0.weight");
        assertTrue(w.requiresGrad() && w.gradNode() == null, "a loaded parameter is a leaf that requires grad");
        assertFalse(b.stateDict().get("1.running_mean").requiresGrad(), "buffers do not require grad");
        try (var g = org.magnet4j.tensor.GradMode.noGrad()) {
            src.get("0.weight").fill(7); // the caller's tensor changes; the model must not
        }
        assertFalse(b.stateDict().get("0.weight").toFloatArray()[0] == 7f);
    }

    @Test
    void missingKeyFailsStrictAndIsReportedNonStrict() {
        Sequential a = tiny(1), b = tiny(2);
        Map<String, Tensor> src = new LinkedHashMap<>(a.stateDict());
        src.remove("0.bias");
        float[] before = b.stateDict().get("0.weight").toFloatArray();
        StateDictException e = assertThrows(StateDictException.class, () -> b.loadStateDict(src, true));
        assertTrue(e.getMessage().contains("missing keys 1 [0.bias]"), e.getMessage());
        assertArrayEquals(before, b.stateDict().get("0.weight").toFloatArray(), "a failed strict load changes nothing");

        float[] oldBias = b.stateDict().get("0.bias").toFloatArray();
        LoadReport r = b.loadStateDict(src, false);
        assertEquals(List.of("0.bias"), r.missingKeys());
        assertEquals(List.of(), r.unexpectedKeys());
        assertArrayEquals(oldBias, b.stateDict().get("0.bias").toFloatArray(), "a missing key keeps the module's value");
        assertArrayEquals(src.get("0.weight").toFloatArray(), b.stateDict().get("0.weight").toFloatArray());
    }

    @Test
    void unexpectedKeyFailsStrictAndIsReportedNonStrict() {
        Sequential a = tiny(1), b = tiny(2);
        Map<String, Tensor> src = new LinkedHashMap<>(a.stateDict());
        src.put("4.weight", Tensor.zeros(3));
        src.put("1.num_batches_tracked_typo", Tensor.zeros(DType.INT64));
        StateDictException e = assertThrows(StateDictException.class, () -> b.loadStateDict(src, true));
        assertTrue(e.getMessage().contains("unexpected keys 2 [4.weight, 1.num_batches_tracked_typo]"), e.getMessage());
        LoadReport r = b.loadStateDict(src, false);
        assertEquals(List.of(), r.missingKeys());
        assertEquals(List.of("4.weight", "1.num_batches_tracked_typo"), r.unexpectedKeys());
        assertArrayEquals(src.get("3.weight").toFloatArray(), b.stateDict().get("3.weight").toFloatArray());
    }

    @Test
    void shapeMismatchNamesKeyAndBothShapesInEitherMode() {
        Sequential b = tiny(2);
        Map<String, Tensor> src = new LinkedHashMap<>(tiny(1).stateDict());
        src.put("3.weight", Tensor.zeros(3, 2, 3, 3));
        for (boolean strict : new boolean[] {true, false}) {
            StateDictException e = assertThrows(StateDictException.class, () -> b.loadStateDict(src, strict));
            String m = e.getMessage();
            assertTrue(m.contains("3.weight") && m.contains("[3, 2, 3, 3]") && m.contains("[3, 2, 1, 1]"), m);
        }
        assertArrayEquals(tiny(2).stateDict().get("0.weight").toFloatArray(), b.stateDict().get("0.weight").toFloatArray(),
                "nothing is loaded when a shape mismatches");
    }

    @Test
    void loadConvertsDtypes() {
        Sequential a = tiny(1), b = tiny(2);
        Map<String, Tensor> src = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> src.put(k, v.dtype().isFloating() ? v.to(DType.FLOAT64) : v));
        assertTrue(b.loadStateDict(src, true).isClean());
        assertEquals(DType.FLOAT32, b.stateDict().get("0.weight").dtype());
        assertEquals(DType.INT64, b.stateDict().get("1.num_batches_tracked").dtype());
        assertArrayEquals(a.stateDict().get("0.weight").toFloatArray(), b.stateDict().get("0.weight").toFloatArray());
    }
}
