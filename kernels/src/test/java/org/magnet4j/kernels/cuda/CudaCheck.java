package org.magnet4j.kernels.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The GPU verification run without Maven (scripts/gpu-check.sh on a machine with a GPU and only a JRE): prints what
 * CUDA libraries were found, then runs the CUDA test classes through the JUnit Platform launcher, one line per test
 * (PASS / FAIL / SKIP with the reason), the conformance table, and a summary; exits 1 when anything failed, 2 when
 * the conformance tests were skipped (no usable GPU).
 */
public final class CudaCheck {
    public static void main(String[] args) {
        System.out.println(CudaBackendProvider.diagnose());
        List<Class<?>> classes = new ArrayList<>(List.of(CudaKernelsTest.class, CudaLibrariesTest.class, CudaConformanceTest.class));
        if (args.length > 0 && args[0].equals("--all")) classes.addAll(List.of(CudaStubTest.class, CudaUnavailableTest.class));
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> c : classes) b.selectors(selectClass(c));
        LauncherDiscoveryRequest request = b.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        int[] skippedConformance = {0};
        TestExecutionListener lines = new TestExecutionListener() {
            @Override public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("SKIP " + id.getDisplayName() + ": " + reason);
                if (id.getUniqueId().contains("CudaConformanceTest")) skippedConformance[0]++;
            }

            @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (!id.isTest() && r.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
                String name = id.getUniqueId().replaceAll(".*class:org\\.magnet4j\\.kernels\\.cuda\\.", "").replaceAll("\\]/\\[", " ").replaceAll("[\\[\\]]", "");
                String status = switch (r.getStatus()) { case SUCCESSFUL -> "PASS"; case ABORTED -> "SKIP"; case FAILED -> "FAIL"; };
                System.out.println(status + " " + name + r.getThrowable().map(t -> ": " + t.toString().replace("\n", "\n     ")).orElse(""));
                if (r.getStatus() == TestExecutionResult.Status.ABORTED && id.getUniqueId().contains("CudaConformanceTest")) skippedConformance[0]++;
            }

            @Override public void reportingEntryPublished(TestIdentifier id, ReportEntry e) {}

            @Override public void testPlanExecutionFinished(TestPlan plan) {}
        };
        launcher.execute(request, summary, lines);
        System.out.println(CudaConformanceTest.CUDA.summary());
        summary.getSummary().printTo(new PrintWriter(System.out, true));
        long failed = summary.getSummary().getTotalFailureCount();
        System.out.println(failed == 0 ? (skippedConformance[0] > 0 ? "RESULT: conformance SKIPPED (no usable GPU)" : "RESULT: ALL PASSED")
                : "RESULT: " + failed + " FAILED");
        System.exit(failed > 0 ? 1 : skippedConformance[0] > 0 ? 2 : 0);
    }
}
