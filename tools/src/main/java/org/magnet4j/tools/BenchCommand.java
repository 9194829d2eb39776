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
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whole-model and whole-pipeline timings next to PyTorch's, measured in the same invocation with the
 * same thread count. Kernel-level numbers come from the JMH benchmarks (benchmarks/).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Model.class, BenchCommand.Pipeline.class, BenchCommand.Ops.class, BenchCommand.Load.class},
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
        String where = torch.has("device") && !torch.get("device").getAsString().equals("cpu")
                ? torch.get("device").getAsString() + (torch.has("gpu") ? " " + torch.get("gpu").getAsString() : "")
                : torch.get("threads").getAsInt() + " threads";
        System.out.printf("%s: java %.3f s, pytorch %s %.3f s (%s), java/pytorch = %.2f%n", what, javaSeconds,
                torch.get("torch").getAsString(), t, where, javaSeconds / t);
    }

    /**
     * Where PyTorch runs the comparison: on the same CUDA device as ours, else on its CPU (it has no OpenCL
     * backend; an OpenCL run is compared with PyTorch's CPU path, and says so).
     */
    static String torchDevice(Device dev) {
        if (dev.type().equals("cuda")) return dev.toString();
        if (!dev.isCpu()) System.out.println("PyTorch has no " + dev.type() + " backend: the comparison runs on its CPU path");
        return "cpu";
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
            System.out.printf("%s %s, %s: java median %.3f s over %d runs (after 1 warm-up); one forward allocates %.0f MB, peak heap %.0f MB (incl. uncollected garbage); output bits %016x%n",
                    model, Arrays.toString(shape), dev.isCpu() ? Parallel.threads() + " threads" : dev.toString(), median, repeat,
                    heap.allocatedBytes() / 1e6, heap.peakBytes() / 1e6, checksum);
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_model.py", List.of(
                    "--model", model, "--num_classes", "" + numClasses, "--shape", "" + shape[0], "" + shape[1], "" + shape[2], "" + shape[3],
                    "--threads", "" + Parallel.threads(), "--repeat", "" + repeat, "--device", torchDevice(dev)));
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

        @Option(names = "--device", defaultValue = "cpu", description = "Where the networks run: cpu, cuda[:N], opencl[:N] or auto "
                + "(default ${DEFAULT-VALUE}); PyTorch runs on the same CUDA device, else on its CPU.") String device;

        @Option(names = "--image", description = "The image (default <fixtures>/images/frankfurt_000001_003056_leftImg8bit.png): a PNG or JPEG, "
                + "or an H x W x 3 uint8 RGB .npy (read without javax.imageio).") Path image;

        @Option(names = "--compare", description = "A folder of reference arg-max maps (argmax_<W>x<H>.npy, as "
                + "reference/pipeline_cityscapes): print each stage's agreement with them at the last scale.") Path compare;

        @Override public Integer call() throws java.io.IOException {
            setThreads(threads);
            Path ck = fixtures.resolve("checkpoints");
            MagNetSettings s = MagNetSettings.cityscapes();
            org.magnet4j.tensor.Device dev = org.magnet4j.kernels.Devices.resolve(device);
            Path imagePath = image != null ? image : fixtures.resolve("images/frankfurt_000001_003056_leftImg8bit.png");
            RgbImage img = imagePath.toString().endsWith(".npy") ? RgbImage.readNpy(imagePath) : ImageIo.readRgb(imagePath);
            MagNetModels models = MagNetModels.load("hrnet18+ocr", 19, ck.resolve("hrnet18_ocr_c19.pth"),
                    List.of(ck.resolve("refinement_c19_512.pth"), ck.resolve("refinement_c19_1024.pth"), ck.resolve("refinement_c19_2048.pth")),
                    3, foldBn, null);
            var backbone = models.backboneFunction(dev);
            var refiners = models.refinerFunctions(dev);
            long t0 = System.nanoTime();
            StageListener log = (stage, scale, p, n, nanos) -> System.out.printf("  stage %d %s: %d patches, %.1f s%n", stage, scale, n, nanos / 1e9);
            List<Tensor> stages = new ProgressiveInference(s, backbone, refiners, log).run(new ImagePatchSource(img, s));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (compare != null) printAgreement(s, stages, compare);
            List<String> args = new ArrayList<>(List.of("--fixtures", fixtures.toAbsolutePath().toString(), "--threads", "" + Parallel.threads(),
                    "--device", torchDevice(dev)));
            if (image != null) args.addAll(List.of("--image", image.toAbsolutePath().toString()));
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/pipeline/magnet_pipeline.py", args);
            printRatio("Cityscapes pipeline (" + (dev.isCpu() ? Parallel.threads() + " threads" : dev.toString()) + (foldBn ? ", folded BN" : "") + ")",
                    seconds, torch, "seconds");
            return 0;
        }

        /** Each stage's arg-max at the last scale against the reference maps, as CityscapesPipelineTest checks it (>= 99.9%). */
        private static void printAgreement(MagNetSettings s, List<Tensor> stages, Path refs) throws java.io.IOException {
            var last = s.scales().get(s.scales().size() - 1);
            for (int i = 0; i < stages.size(); i++) {
                var sc = s.scales().get(i);
                Path f = refs.resolve("argmax_" + sc.width() + "x" + sc.height() + ".npy");
                byte[] want = (byte[]) org.magnet4j.tensor.io.Npy.read(f).data();
                byte[] got = org.magnet4j.magnet.run.StagePredictions.argmaxAt(stages.get(i), last.width(), last.height()).data();
                if (want.length != got.length)
                    throw new IllegalArgumentException(f + ": " + want.length + " pixels, the stage's map at " + last + " has " + got.length);
                int same = 0;
                for (int k = 0; k < want.length; k++) if (want[k] == got[k]) same++;
                System.out.printf("  stage %d %s: arg-max agreement with %s %.5f%%%n", i, sc, f.getFileName(), 100.0 * same / want.length);
            }
        }
    }

    @Command(name = "ops", mixinStandardHelpOptions = true,
            description = "Kernel timings at MagNet's sizes on a device (convolutions at HRNet-W18+OCR's shapes, bilinear upsampling, "
                    + "softmax, top-k), next to the same ops in PyTorch on the same device (CUDA), else on its CPU.")
    static final class Ops implements Callable<Integer> {
        @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl[:N] or auto (default ${DEFAULT-VALUE}).") String device;

        @Option(names = "--repeat", defaultValue = "20", description = "Timed runs of each op, after 2 s of warm-up runs (default ${DEFAULT-VALUE}).")
        int repeat;

        @Option(names = "--threads", defaultValue = "0", description = "CPU threads for both engines (0 = all cores).") int threads;

        @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

        /** One op: its name (as parity/bench/bench_ops.py names it), the work it does (FLOPs or bytes moved) and a run. */
        record Case(String name, double work, String unit, java.util.function.Supplier<Tensor[]> run) {}

        @Override public Integer call() {
            setThreads(threads);
            Device dev = org.magnet4j.kernels.Devices.resolve(device);
            org.magnet4j.tensor.Backend backend = org.magnet4j.tensor.Backends.get(dev);
            java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
            Tensor stem = Tensor.randn(rng, 1, 64, 128, 256).to(dev), w3 = Tensor.randn(rng, 64, 64, 3, 3).to(dev), w1 = Tensor.randn(rng, 64, 64, 1, 1).to(dev);
            Tensor branch = Tensor.randn(rng, 1, 18, 128, 256).to(dev), wb = Tensor.randn(rng, 18, 18, 3, 3).to(dev);
            Tensor ocr = Tensor.randn(rng, 1, 270, 128, 256).to(dev), wo = Tensor.randn(rng, 512, 270, 3, 3).mul(0.02).to(dev);
            Tensor probs = Tensor.rand(rng, 1, 19, 256, 512).to(dev), probsFull = Tensor.rand(rng, 1, 19, 1024, 2048).to(dev);
            Tensor flat = Tensor.rand(rng, 2048 * 1024).to(dev);
            var same = org.magnet4j.tensor.Conv2dParams.of(1, 1, 1, 1);
            List<Case> cases = List.of(
                    new Case("conv3x3 64->64 128x256", 2.0 * 64 * 64 * 9 * 32768, "GFLOP/s", () -> new Tensor[] {stem.conv2d(w3, null, same)}),
                    new Case("conv3x3 18->18 128x256", 2.0 * 18 * 18 * 9 * 32768, "GFLOP/s", () -> new Tensor[] {branch.conv2d(wb, null, same)}),
                    new Case("conv3x3 270->512 128x256", 2.0 * 512 * 270 * 9 * 32768, "GFLOP/s", () -> new Tensor[] {ocr.conv2d(wo, null, same)}),
                    new Case("conv1x1 64->64 128x256", 2.0 * 64 * 64 * 32768, "GFLOP/s",
                            () -> new Tensor[] {stem.conv2d(w1, null, org.magnet4j.tensor.Conv2dParams.of(1, 0, 1, 1))}),
                    new Case("bilinear 19x256x512->1024x2048", 4.0 * 19 * (256 * 512 + 1024 * 2048), "GB/s", () -> new Tensor[] {
                            org.magnet4j.tensor.Sampling.interpolate(probs, 1024, 2048, org.magnet4j.tensor.InterpMode.BILINEAR, false)}),
                    new Case("softmax 19x256x512", 4.0 * 2 * 19 * 256 * 512, "GB/s", () -> new Tensor[] {probs.softmax(1)}),
                    new Case("topk 32768 of 2097152", 4.0 * 2048 * 1024, "GB/s", () -> flat.topk(32768, 0, true)),
                    new Case("top2 classes 19x1024x2048", 4.0 * 19 * 1024 * 2048, "GB/s", () -> probsFull.topk(2, 1, true)));
            java.util.Map<String, Double> medians = new java.util.LinkedHashMap<>();
            try (var g = GradMode.noGrad()) {
                for (Case c : cases) {
                    List<Double> times = new ArrayList<>();
                    // Warm-up: 3 runs and at least 2 s (the CPU kernels' JIT compilation; cuDNN's algorithm search).
                    long warmEnd = System.nanoTime() + 2_000_000_000L;
                    for (int w = 0; w < 3 || System.nanoTime() < warmEnd; w++) {
                        for (Tensor t : c.run().get()) t.release();
                        backend.synchronize();
                    }
                    for (int i = 0; i < repeat; i++) {
                        long t0 = System.nanoTime();
                        Tensor[] out = c.run().get();
                        backend.synchronize(); // the op's kernels have finished: device time, no copy back
                        times.add((System.nanoTime() - t0) / 1e9);
                        for (Tensor t : out) t.release(); // as a model's forward releases what it consumed
                    }
                    double m = median(times);
                    medians.put(c.name(), m);
                    System.out.printf("%-32s java %9.3f ms  %9.1f %s (%s, median of %d)%n", c.name(), m * 1e3, c.work() / m / 1e9, c.unit(),
                            dev.isCpu() ? Parallel.threads() + " threads" : dev, repeat);
                }
            }
            JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_ops.py",
                    List.of("--device", torchDevice(dev), "--threads", "" + Parallel.threads(), "--repeat", "" + repeat));
            if (torch != null) {
                JsonObject ops = torch.getAsJsonObject("ops");
                String where = torch.get("device").getAsString().equals("cpu") ? torch.get("threads").getAsInt() + " threads"
                        : torch.get("device").getAsString() + (torch.has("gpu") ? " " + torch.get("gpu").getAsString() : "");
                System.out.println("PyTorch " + torch.get("torch").getAsString() + " (" + where + "), same ops and sizes:");
                for (var e : medians.entrySet()) {
                    if (!ops.has(e.getKey())) continue;
                    double t = ops.get(e.getKey()).getAsDouble();
                    System.out.printf("%-32s java %9.3f ms  pytorch %9.3f ms  java/pytorch = %.2f%n", e.getKey(), e.getValue() * 1e3, t * 1e3, e.getValue() / t);
                }
            }
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
