package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.kernels.cpu.ConvProfile;
import org.magnet4j.kernels.cpu.Parallel;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.models.BnFolding;
import org.magnet4j.magnet.models.ModelRegistry;
import org.magnet4j.magnet.pipeline.ImagePatchSource;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.ProgressiveInference;
import org.magnet4j.magnet.pipeline.StageListener;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whole-model and whole-pipeline timings next to PyTorch's, measured in the same invocation with the
 * same thread count. Kernel-level numbers come from the JMH benchmarks (benchmarks/).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Model.class, BenchCommand.Pipeline.class, BenchCommand.Load.class},
        description = "Time a model forward or the whole MagNet pipeline, here and in PyTorch, and print the ratio.")
final class BenchCommand {
    /** Must run before any kernel class loads: the pool size is fixed when it is created. */
    static void setThreads(int threads) {
        if (threads > 0) System.setProperty("magnet.threads", Integer.toString(threads));
    }

    static void printRatio(String what, double javaSeconds, JsonObject torch, String key) {
        if (torch == null) {
            System.out.printf("%s: java %.3f s (no PyTorch figure)%n", what, javaSeconds);
            return;
        }
        double t = torch.get(key).getAsDouble();
        System.out.printf("%s: java %.3f s, pytorch %s %.3f s (%d threads), java/pytorch = %.2f%n", what, javaSeconds,
                torch.get("torch").getAsString(), t, torch.get("threads").getAsInt(), javaSeconds / t);
    }

    /**
     * FNV-1a over the output's float bits: two builds that print the same value computed the same numbers bit for
     * bit (kernel changes that must not change results are checked with it).
     */
    static long bitsChecksum(float[] values) {
        long h = 0xcbf29ce484222325L;
        for (float v : values) h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
        return h;
    }

    @Command(name = "model", mixinStandardHelpOptions = true, description = "Median forward time of one backbone (random weights, eval, no grad).")
    static final class Model implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "hrnet18+ocr", description = "Backbone (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--num_classes", defaultValue = "19") int numClasses;

        @Option(names = "--shape", arity = "4", description = "Input N C H W (default 1 3 128 256).")
        int[] shape = {1, 3, 128, 256};

        @Option(names = "--threads", defaultValue = "0", description = "Threads for both engines (0 = all cores).")
        int threads;

        @Option(names = "--repeat", defaultValue = "5") int repeat;

        @Option(names = "--no_fold_bn", description = "Time with batch norms unfolded.") boolean noFold;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl[:N] or auto (default ${DEFAULT-VALUE}).") String device;

        @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

        @Option(names = "--profile", description = "Also print where the timed forwards spent their time: each convolution layer's "
                + "path (GEMM or Winograd), time per forward and GFLOP/s (CPU only).") boolean profile;

        @Override public Integer call() {
            setThreads(threads);
            Init.manualSeed(0);
            Module m = ModelRegistry.create(model, numClasses);
            m.eval();
            if (!noFold) BnFolding.foldForInference(m);
            org.magnet4j.tensor.Device dev = org.magnet4j.kernels.Devices.resolve(device);
            if (profile && !dev.isCpu()) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--profile times the CPU backend's convolutions; drop it or use --device cpu (got " + dev + ")");
            m.to(dev);
            Tensor x = Tensor.randn(new java.util.SplittableRandom(0), shape).to(dev);
            List<Double> times = new ArrayList<>();
            HeapMeter heap = new HeapMeter();
            long checksum = 0;
            try (var g = GradMode.noGrad()) {
                for (int i = 0; i < repeat + 1; i++) {
                    long t0 = System.nanoTime();
                    float[] out = m.forward(x).toFloatArray(); // waits for the device and includes the copy back
                    if (i > 0) times.add((System.nanoTime() - t0) / 1e9);
                    else checksum = bitsChecksum(out);
                    if (i == 0 && profile) ConvProfile.start(); // the timed forwards only, not the warm-up
                }
                if (profile) printProfile(ConvProfile.stop(), repeat, times.stream().mapToDouble(Double::doubleValue).sum() / repeat);
                heap.start(); // one more forward, measured for memory only (the GC it starts with is not timed)
                m.forward(x).toFloatArray();
                heap.stop();
            }
            double median = median(times);
            System.out.printf("%s %s, %d threads: java median %.3f s over %d runs (after 1 warm-up); one forward allocates %.0f MB, peak heap %.0f MB (incl. uncollected garbage); output bits %016x%n",
                    model, Arrays.toString(shape), Parallel.threads(), median, repeat, heap.allocatedBytes() / 1e6, heap.peakBytes() / 1e6, checksum);
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_model.py", List.of(
                    "--model", model, "--num_classes", "" + numClasses, "--shape", "" + shape[0], "" + shape[1], "" + shape[2], "" + shape[3],
                    "--threads", "" + Parallel.threads(), "--repeat", "" + repeat));
            printRatio(model + " forward", median, torch, "median_s");
            return 0;
        }
    }

    /** The convolution groups as a table, per forward, the most time first; then what the rest of the forward took. */
    static void printProfile(List<ConvProfile.Entry> groups, int forwards, double secondsPerForward) {
        double convMs = 0;
        System.out.printf("%-14s %-34s %6s %9s %7s %9s%n", "path", "convolution layer", "calls", "ms", "share", "GFLOP/s");
        for (ConvProfile.Entry e : groups) {
            double ms = e.totalNanos() / 1e6 / forwards;
            convMs += ms;
            System.out.printf("%-14s %-34s %6d %9.2f %6.1f%% %9.1f%n", e.path(), e.layer(), e.calls() / forwards, ms,
                    100 * ms / (secondsPerForward * 1e3), e.gflops());
        }
        System.out.printf("convolutions %.1f ms of a %.1f ms forward (mean of the timed forwards); everything else %.1f ms%n",
                convMs, secondsPerForward * 1e3, secondsPerForward * 1e3 - convMs);
        System.out.println("(calls and ms per forward; GFLOP/s counts a direct convolution's FLOPs, also for Winograd layers)");
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Wall time of the Cityscapes MagNet pipeline on the fixture image (settings of reference/pipeline_cityscapes/run.json).")
    static final class Pipeline implements Callable<Integer> {
        @Option(names = "--fixtures", defaultValue = "../shared/fixtures", description = "The shared fixtures folder (default ${DEFAULT-VALUE}).")
        Path fixtures;

        @Option(names = "--threads", defaultValue = "0", description = "Threads for both engines (0 = all cores).")
        int threads;

        @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

        @Option(names = "--fold_bn", description = "Fold batch norms into convolutions (a little faster; see demo --help).") boolean foldBn;

        @Override public Integer call() {
            setThreads(threads);
            Path ck = fixtures.resolve("checkpoints");
            MagNetSettings s = MagNetSettings.cityscapes();
            MagNetModels models = MagNetModels.load("hrnet18+ocr", 19, ck.resolve("hrnet18_ocr_c19.pth"),
                    List.of(ck.resolve("refinement_c19_512.pth"), ck.resolve("refinement_c19_1024.pth"), ck.resolve("refinement_c19_2048.pth")),
                    3, foldBn, null);
            RgbImage img = ImageIo.readRgb(fixtures.resolve("images/frankfurt_000001_003056_leftImg8bit.png"));
            long t0 = System.nanoTime();
            StageListener log = (stage, scale, p, n, nanos) -> System.out.printf("  stage %d %s: %d patches, %.1f s%n", stage, scale, n, nanos / 1e9);
            new ProgressiveInference(s, models.backboneFunction(), models.refinerFunctions(), log).run(new ImagePatchSource(img, s));
            double seconds = (System.nanoTime() - t0) / 1e9;
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/pipeline/magnet_pipeline.py",
                    List.of("--fixtures", fixtures.toAbsolutePath().toString(), "--threads", "" + Parallel.threads()));
            printRatio("Cityscapes pipeline (" + Parallel.threads() + " threads" + (foldBn ? ", folded BN" : "") + ")", seconds, torch, "seconds");
            return 0;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true, description = "Checkpoint reading time next to torch.load of the same file.")
    static final class Load implements Callable<Integer> {
        @picocli.CommandLine.Parameters(index = "0", description = "A .pth or .safetensors file.") Path file;

        @Option(names = "--repeat", defaultValue = "10") int repeat;

        @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

        @Option(names = "--steady_after", defaultValue = "40", description = "Loads before the steady-state median (default ${DEFAULT-VALUE}).")
        int steadyAfter;

        @Option(names = "--once", hidden = true, description = "Load the file once and exit (the fresh-process timing runs this).")
        boolean once;

        private double medianLoad(int count) throws Exception {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long t = System.nanoTime();
                org.magnet4j.convert.Checkpoints.load(file);
                times.add((System.nanoTime() - t) / 1e9);
            }
            return median(times);
        }

        @Override public Integer call() throws Exception {
            if (once) {
                org.magnet4j.convert.Checkpoints.load(file);
                return 0;
            }
            long t0 = System.nanoTime();
            int n = org.magnet4j.convert.Checkpoints.load(file).tensors().size();
            double first = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < 3; i++) org.magnet4j.convert.Checkpoints.load(file);
            double warm = medianLoad(repeat);
            // A JVM is not warm after 3 loads: the JIT is still compiling the reader. After more loads it is steady.
            for (int i = 0; i < steadyAfter - 4 - repeat; i++) org.magnet4j.convert.Checkpoints.load(file);
            double steady = medianLoad(repeat);
            // "first" is the first call in this fresh JVM (class loading, interpreter and JIT warm-up included; JVM
            // start-up and option parsing not); torch's is likewise its first call after `import torch`.
            System.out.printf("%s: %d tensors; java first load %.3f s (first call in a fresh JVM), warm median %.4f s (%d loads after 3 warm-up loads),"
                    + " steady median %.4f s (%d loads after %d)%n", file.getFileName(), n, first, warm, repeat, steady, repeat, Math.max(steadyAfter, 4 + repeat));
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_load.py", List.of(file.toString(), "" + repeat));
            if (torch != null) {
                double tFirst = torch.get("first_s").getAsDouble(), tWarm = torch.get("median_s").getAsDouble();
                System.out.printf("torch.load first %.3f s (first call after import torch), warm median %.4f s (%d loads after 3 warm-up loads);"
                        + " java/pytorch first %.2f, warm %.2f, steady %.2f%n", tFirst, tWarm, repeat, first / tFirst, warm / tWarm, steady / tWarm);
                freshProcesses();
            }
            return 0;
        }

        /**
         * What a user waits for when a tool reads a checkpoint once: a whole fresh process each side (runtime
         * start-up included: the JVM here, the interpreter and `import torch` there), median of 3.
         */
        private void freshProcesses() throws Exception {
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            String jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            // The same JVM options as this process (the launcher's for checkpoint commands), so the figure is what
            // `magnet convert` or `inspect` costs a user.
            List<String> javaCmd = new ArrayList<>(List.of(javaBin));
            javaCmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            javaCmd.addAll(List.of("-cp", jar, "org.magnet4j.tools.MagnetCli", "bench", "load", file.toString(), "--once"));
            List<String> pyCmd = List.of("/usr/bin/python3", "-c", "import sys, torch; torch.load(sys.argv[1], map_location='cpu')", file.toString());
            double j = medianProcess(javaCmd), t = medianProcess(pyCmd);
            System.out.printf("fresh process that reads the file once (median of 3): java %.3f s, python + torch %.3f s; java/pytorch %.2f%n", j, t, j / t);
        }

        private static double medianProcess(List<String> cmd) throws Exception {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) throw new IllegalStateException("exit status " + p.exitValue() + " from " + String.join(" ", cmd));
                times.add((System.nanoTime() - t) / 1e9);
            }
            return median(times);
        }
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
