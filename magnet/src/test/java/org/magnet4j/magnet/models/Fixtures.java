package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;

/** Test-side access to the shared fixtures and to this module's test resources. */
final class Fixtures {
    private Fixtures() {}

    /** {@code <shared.dir>/fixtures/<sub>}, or the test is skipped with the reason. */
    static Path shared(String sub) {
        String dir = System.getProperty("shared.dir");
        Assumptions.assumeTrue(dir != null, "system property shared.dir is not set (surefire sets it to <repo>/../shared)");
        Path p = Path.of(dir, "fixtures", sub);
        Assumptions.assumeTrue(Files.exists(p), "fixture " + p + " is absent (shared.dir=" + dir + "); pass -Dshared.dir=/path/to/shared");
        return p;
    }

    static Tensor npy(Path p) {
        try {
            return Npy.readTensor(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p, e);
        }
    }

    /** One entry of a dumped state-dict listing. */
    record Entry(String name, String dtype, int[] shape) {}

    /**
     * The model's state dict has exactly the listing's names, in its order, with its shapes and dtypes; source names
     * where the listing came from ("listing", "checkpoint") in the messages.
     */
    static void assertLayout(List<Entry> expected, org.magnet4j.nn.Module model, String source) {
        java.util.Map<String, Tensor> mine = model.stateDict();
        List<String> names = new ArrayList<>(mine.keySet());
        List<String> want = expected.stream().map(Entry::name).toList();
        List<String> missing = new ArrayList<>(want), extra = new ArrayList<>(names);
        missing.removeAll(names);
        extra.removeAll(want);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing from the model: " + missing + "; not in the " + source + ": " + extra);
        assertEquals(want, names, "same names, different order");
        for (Entry e : expected) {
            Tensor t = mine.get(e.name());
            assertArrayEquals(e.shape(), t.shape(), e.name() + ": " + source + " " + Shapes.str(e.shape()) + ", model " + Shapes.str(t.shape()));
            assertEquals(e.dtype(), t.dtype().toString().toLowerCase(), e.name() + " dtype");
        }
    }

    /** The listing's parameter count (batch-norm statistics not counted). */
    static long parameterCount(List<Entry> listing) {
        long n = 0;
        for (Entry e : listing)
            if (!e.name().endsWith("running_mean") && !e.name().endsWith("running_var") && !e.name().endsWith("num_batches_tracked"))
                n += Shapes.numel(e.shape());
        return n;
    }

    /** Reads a "name dtype shape" listing from the test resources, in file order. */
    static List<Entry> listing(String resource) {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(" ", -1);
                int[] shape = f[2].isEmpty() ? new int[0] : java.util.Arrays.stream(f[2].split("x")).mapToInt(Integer::parseInt).toArray();
                out.add(new Entry(f[0], f[1], shape));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** Max-abs and relative-L2 difference of an output against a reference (computed in float64). */
    record Diff(double maxAbs, double relL2) {
        @Override public String toString() { return String.format("max-abs %.3g, rel-L2 %.3g", maxAbs, relL2); }
    }

    static Diff diff(Tensor actual, Tensor expected) {
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        if (a.length != e.length) throw new AssertionError("sizes differ: " + actual.describe() + " vs " + expected.describe());
        double max = 0, num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - e[i];
            max = Math.max(max, Math.abs(d));
            num += d * d;
            den += e[i] * e[i];
        }
        return new Diff(max, Math.sqrt(num / Math.max(den, 1e-300)));
    }

    /** Fraction of pixels whose arg-max over dim 1 agrees. */
    static double argmaxAgreement(Tensor a, Tensor b) {
        long[] x = a.argmax(1, false).toLongArray(), y = b.argmax(1, false).toLongArray();
        int same = 0;
        for (int i = 0; i < x.length; i++) if (x[i] == y[i]) same++;
        return (double) same / x.length;
    }
}
