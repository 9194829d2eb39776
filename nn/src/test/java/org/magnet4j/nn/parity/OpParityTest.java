package org.magnet4j.nn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.TensorException;

/**
 * One dynamic test per PyTorch parity case in parity/cases (format: parity/README.md). Each runs the op through
 * the engine, compares every output (floating within the case's tol, integer and bool exactly, or the case's
 * check), and for grad cases compares d(sum(out0 * gout0))/d(input) with grad_in&lt;i&gt; under grad_tol.
 * Cases whose kernel is not written yet (UnsupportedOperationException) are aborted (skipped) with the reason.
 *
 * <p>{@code -Dparity.only=REGEX} runs only the cases whose name or op matches. After the run a table of the
 * worst measured errors per op goes to stdout and to nn/target/parity-report.txt.
 */
class OpParityTest {
    /** Per-op tallies and worst figures over the cases run. */
    private static final class OpStats {
        int pass, skip, fail;
        double outMaxAbs = -1, outRel = -1, gradMaxAbs = -1, gradRel = -1;
        String outMaxAbsCase = "-", outRelCase = "-", gradMaxAbsCase = "-", gradRelCase = "-";
        final List<String> skipReasons = new ArrayList<>();
    }

    private static final Map<String, OpStats> STATS = new TreeMap<>();

    static Path repoDir() {
        String prop = System.getProperty("repo.dir");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Paths.get(prop, "parity", "cases"))) return Paths.get(prop);
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("parity").resolve("cases"))) return p;
        throw new IllegalStateException("parity/cases not found: set -Drepo.dir to the repository root (working dir " + Paths.get("").toAbsolutePath() + ")");
    }

    /** Case names from INDEX.txt, plus any case folder INDEX.txt does not list (so none is silently left out). */
    static List<String> caseNames(Path cases) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(cases.resolve("INDEX.txt"))) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            names.add(line.split("\\s+")[0]);
        }
        TreeSet<String> extra = new TreeSet<>();
        try (Stream<Path> s = Files.list(cases)) {
            s.filter(p -> Files.isRegularFile(p.resolve("case.json"))).forEach(p -> extra.add(p.getFileName().toString()));
        }
        extra.removeAll(names);
        names.addAll(extra);
        return names;
    }

    @TestFactory
    Stream<DynamicTest> parity() throws IOException {
        Path cases = repoDir().resolve("parity").resolve("cases");
        String only = System.getProperty("parity.only", "");
        Pattern filter = only.isBlank() ? null : Pattern.compile(only);
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : caseNames(cases)) {
            Path dir = cases.resolve(name);
            if (filter != null) {
                ParityCase c = ParityCase.load(dir);
                if (!filter.matcher(name).find() && !filter.matcher(c.op()).matches()) continue;
            }
            tests.add(DynamicTest.dynamicTest(name, dir.toUri(), () -> runCase(dir)));
        }
        return tests.stream();
    }

    private static synchronized OpStats stats(String op) { return STATS.computeIfAbsent(op, k -> new OpStats()); }

    private static void runCase(Path dir) throws IOException {
        ParityCase c = ParityCase.load(dir);
        // float64 cases get their own row: their bounds (1e-10) and errors are of another order.
        OpStats st = stats(c.dtype().equals("float32") ? c.op() : c.op() + " [" + c.dtype() + "]");
        boolean done = false;
        try {
            check(c, st);
            st.pass++;
            done = true;
        } catch (org.opentest4j.TestAbortedException e) {
            st.skip++;
            st.skipReasons.add(c.name() + ": " + e.getMessage());
            done = true;
            throw e;
        } finally {
            if (!done) st.fail++;
        }
    }

    private static void check(ParityCase c, OpStats st) throws IOException {
        CaseRunner.Run run;
        try {
            run = CaseRunner.run(c);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("op " + c.op() + " not implemented yet: " + e.getMessage());
            return;
        } catch (CaseRunner.Unsupported e) {
            fail("case " + c.name() + " needs what the engine API lacks: " + e.getMessage());
            return;
        }
        List<Compare.Stats> results = new ArrayList<>();
        List<Tensor> outs = run.outputs();
        assertEquals(c.outputs().size(), outs.size(), c.name() + ": engine returned " + outs.size() + " outputs, the case has " + c.outputs());
        for (int i = 0; i < outs.size(); i++) {
            String name = c.outputs().get(i);
            Tensor ref = c.tensor(name), java = outs.get(i);
            String how = c.check().get(name);
            if ("skip".equals(how)) continue;
            if ("gather_consistent".equals(how)) {
                results.addAll(gatherConsistent(c, name, run.inputs().get(0), c.tensor(c.outputs().get(0)), java, ref));
                continue;
            }
            Compare.Stats s = ref.dtype().isFloating() ? Compare.floating(name, java, ref, c.tol()) : Compare.exact(name, java, ref);
            results.add(s);
            if (ref.dtype().isFloating()) record(st, c.name(), s, false);
        }
        if (c.grad()) {
            boolean forwardOk = results.stream().allMatch(Compare.Stats::ok);
            Tensor gout = c.tensor("gout0");
            try {
                outs.get(0).mul(gout).sum().backward();
            } catch (UnsupportedOperationException e) {
                if (forwardOk) Assumptions.abort("op " + c.op() + " forward matches; backward not implemented yet: " + e.getMessage());
                fail(report(c, results) + "\n(backward not implemented yet: " + e.getMessage() + ")");
            } catch (TensorException e) {
                throw new AssertionError(report(c, results) + "\nbackward failed: " + e.getMessage(), e);
            }
            for (String gi : c.gradInputs()) {
                Tensor ref = c.tensor("grad_" + gi);
                Tensor leaf = run.gradLeaves().get(gi);
                Tensor g = leaf == null ? null : leaf.grad();
                if (g == null) g = Tensor.zeros(ref.dtype(), ref.shape()); // an input that does not reach out0
                Compare.Stats s = Compare.floating("grad_" + gi, g, ref, gradTol(c, gi));
                results.add(s);
                record(st, c.name(), s, true);
            }
        }
        if (!results.stream().allMatch(Compare.Stats::ok)) fail(report(c, results));
        System.out.println("[parity] " + c.name() + " ok: " + String.join("; ", results.stream().map(Compare.Stats::message).toList()));
    }

    /**
     * The case's grad_tol, except where a measured justification widens it. None is widened: every grad case
     * passes with the generated bounds. The tightest were float32 conv gradients (rel_l2 1e-5; measured worst
     * 3.1e-7, conv_k3_s1_p1) and prelu_single's weight gradient, a sum over all elements (2.6e-6).
     */
    private static Compare.Tol gradTol(ParityCase c, String input) { return c.gradTol(); }

    private static String report(ParityCase c, List<Compare.Stats> results) {
        StringBuilder b = new StringBuilder("parity case ").append(c.name()).append(" (op ").append(c.op()).append(", ").append(c.dtype())
                .append(", args ").append(c.args()).append(")");
        for (Compare.Stats s : results) b.append("\n  ").append(s.ok() ? "ok   " : "FAIL ").append(s.message());
        b.append("\n  tol ").append(c.tol()).append("; grad_tol ").append(c.gradTol());
        if (!c.note().isEmpty()) b.append("\n  note: ").append(c.note());
        return b.toString();
    }

    /** Indices where PyTorch leaves ties unspecified: x.gather(dim, idx_java) must equal out0, and topk's indices be distinct. */
    private static List<Compare.Stats> gatherConsistent(ParityCase c, String name, Tensor x, Tensor valuesRef, Tensor idxJava, Tensor idxRef) {
        List<Compare.Stats> r = new ArrayList<>();
        if (!Arrays.equals(idxJava.shape(), idxRef.shape()) || idxJava.dtype() != idxRef.dtype()) {
            r.add(new Compare.Stats(name, Double.NaN, Double.NaN, false, name + ": engine returned " + idxJava.describe() + ", reference " + idxRef.describe()));
            return r;
        }
        int d = Math.floorMod(c.intArg("dim"), x.dim());
        boolean kept = !c.op().equals("median_dim") || c.boolArg("keepdim");
        Tensor idx = kept ? idxJava : idxJava.unsqueeze(d), values = kept ? valuesRef : valuesRef.unsqueeze(d);
        Tensor picked = x.detach().gather(d, idx.contiguous());
        Compare.Stats s = Compare.floating(name + " (gather_consistent: x.gather(dim, " + name + ") vs out0)", picked, values.contiguous(), new Compare.Tol(0.0, null));
        r.add(s);
        if (c.op().equals("topk")) {
            Tensor lines = idx.transpose(d, idx.dim() - 1).contiguous();
            long[] a = lines.toLongArray();
            int k = idx.size(d), dup = 0;
            for (int o = 0; o < a.length; o += k) {
                long[] line = Arrays.copyOfRange(a, o, o + k);
                Arrays.sort(line);
                for (int j = 1; j < k; j++) if (line[j] == line[j - 1]) dup++;
            }
            r.add(new Compare.Stats(name, 0, 0, dup == 0, name + ": indices along dim " + (dup == 0 ? "distinct" : "have " + dup + " duplicates")));
        }
        return r;
    }

    private static synchronized void record(OpStats st, String caseName, Compare.Stats s, boolean grad) {
        if (Double.isNaN(s.maxAbs())) return;
        if (grad) {
            if (s.maxAbs() > st.gradMaxAbs) { st.gradMaxAbs = s.maxAbs(); st.gradMaxAbsCase = caseName; }
            if (s.relL2() > st.gradRel) { st.gradRel = s.relL2(); st.gradRelCase = caseName; }
        } else {
            if (s.maxAbs() > st.outMaxAbs) { st.outMaxAbs = s.maxAbs(); st.outMaxAbsCase = caseName; }
            if (s.relL2() > st.outRel) { st.outRel = s.relL2(); st.outRelCase = caseName; }
        }
    }

    @AfterAll
    static void summary() throws IOException {
        if (STATS.isEmpty()) return;
        StringBuilder b = new StringBuilder();
        int pass = 0, skip = 0, fail = 0;
        b.append(String.format("%-28s %4s %4s %4s  %-34s %-34s %-34s %-34s%n", "op", "pass", "skip", "fail",
                "out max_abs (case)", "out rel_l2 (case)", "grad max_abs (case)", "grad rel_l2 (case)"));
        for (var e : STATS.entrySet()) {
            OpStats s = e.getValue();
            pass += s.pass;
            skip += s.skip;
            fail += s.fail;
            b.append(String.format("%-28s %4d %4d %4d  %-34s %-34s %-34s %-34s%n", e.getKey(), s.pass, s.skip, s.fail,
                    fig(s.outMaxAbs, s.outMaxAbsCase), fig(s.outRel, s.outRelCase), fig(s.gradMaxAbs, s.gradMaxAbsCase), fig(s.gradRel, s.gradRelCase)));
        }
        b.append(String.format("total: %d pass, %d skip, %d fail%n", pass, skip, fail));
        for (var e : STATS.entrySet())
            for (String r : e.getValue().skipReasons) b.append("skipped ").append(r).append('\n');
        System.out.print("\n[parity] summary (worst errors over the cases run; rel_l2 is absolute where the reference is all zero)\n" + b);
        Path target = repoDir().resolve("nn").resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("parity-report.txt"), b.toString());
    }

    private static String fig(double v, String caseName) { return caseName.equals("-") ? "-" : Compare.fmt(v) + " (" + caseName + ")"; }
}
