package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.kernels.cpu.ConvProfile;
import org.magnet4j.kernels.cpu.Parallel;
import org.magnet4j.magnet.models.BnFolding;
import org.magnet4j.magnet.models.ModelRegistry;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `magnet bench model`: a backbone forward here and in PyTorch (bench_model.py). */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Median forward time of one backbone (random weights, eval, no grad).")
final class BenchModel implements Callable<Integer> {
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

    @Option(names = "--profile", description = "Also print where the timed forwards spent their time. CPU: each convolution layer's "
            + "path (GEMM or Winograd), time per forward and GFLOP/s. CUDA or OpenCL: each kernel and library call (cuDNN, "
            + "cuBLAS): calls and device time over the timed forwards, from device events (which slow the timed forwards a little).") boolean profile;

    @Override public Integer call() {
        BenchCommand.setThreads(threads);
        Init.manualSeed(0);
        Module m = ModelRegistry.create(model, numClasses);
        m.eval();
        if (!noFold) BnFolding.foldForInference(m);
        if (profile) DeviceProfile.enable(); // before the device's backend starts: its queue or stream records events
        Device dev = org.magnet4j.kernels.Devices.resolve(device);
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
                else checksum = BenchCommand.bitsChecksum(out);
                if (i == 0 && profile) { // the timed forwards only, not the warm-up
                    if (dev.isCpu()) ConvProfile.start();
                    else DeviceProfile.reset(dev);
                }
            }
            if (profile && dev.isCpu()) BenchCommand.printProfile(ConvProfile.stop(), repeat, times.stream().mapToDouble(Double::doubleValue).sum() / repeat);
            else if (profile) System.out.print(DeviceProfile.summary(dev, repeat));
            heap.start(); // one more forward, measured for memory only (the GC it starts with is not timed)
            m.forward(x).toFloatArray();
            heap.stop();
        }
        double median = BenchCommand.median(times);
        System.out.printf("%s %s, %s: java median %.3f s over %d runs (after 1 warm-up); one forward allocates %.0f MB, peak heap %.0f MB (incl. uncollected garbage); output bits %016x%n",
                model, Arrays.toString(shape), dev.isCpu() ? Parallel.threads() + " threads" : dev.toString(), median, repeat,
                heap.allocatedBytes() / 1e6, heap.peakBytes() / 1e6, checksum);
        JsonObject torch = noTorch ? null : new PyTorchRunner(PyTorchRunner.findRepo()).run("parity/bench/bench_model.py", List.of(
                "--model", model, "--num_classes", "" + numClasses, "--shape", "" + shape[0], "" + shape[1], "" + shape[2], "" + shape[3],
                "--threads", "" + Parallel.threads(), "--repeat", "" + repeat, "--device", BenchCommand.torchDevice(dev)));
        BenchCommand.printRatio(model + " forward", median, torch, "median_s");
        return 0;
    }
}
