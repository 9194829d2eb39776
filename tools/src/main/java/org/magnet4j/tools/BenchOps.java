package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.kernels.cpu.Parallel;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `magnet bench ops`: the ops at MagNet's sizes on a device, here and in PyTorch (bench_ops.py). */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "Kernel timings at MagNet's sizes on a device (convolutions at HRNet-W18+OCR's shapes, bilinear upsampling, "
                + "softmax, top-k), next to the same ops in PyTorch on the same device (CUDA), else on its CPU.")
final class BenchOps implements Callable<Integer> {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl[:N] or auto (default ${DEFAULT-VALUE}).") String device;

    @Option(names = "--repeat", defaultValue = "20", description = "Timed runs of each op, after 2 s of warm-up runs (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads for both engines (0 = all cores).") int threads;

    @Option(names = "--no_pytorch", description = "Skip the PyTorch run.") boolean noTorch;

    /** One op: its name (as parity/bench/bench_ops.py names it), the work it does (FLOPs or bytes moved) and a run. */
    record Case(String name, double work, String unit, java.util.function.Supplier<Tensor[]> run) {}

    @Override public Integer call() {
        BenchCommand.setThreads(threads);
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
                double m = BenchCommand.median(times);
                medians.put(c.name(), m);
                System.out.printf("%-32s java %9.3f ms  %9.1f %s (%s, median of %d)%n", c.name(), m * 1e3, c.work() / m / 1e9, c.unit(),
                        dev.isCpu() ? Parallel.threads() + " threads" : dev, repeat);
            }
        }
        JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_ops.py",
                List.of("--device", BenchCommand.torchDevice(dev), "--threads", "" + Parallel.threads(), "--repeat", "" + repeat));
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
