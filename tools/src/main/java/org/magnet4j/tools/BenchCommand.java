package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.magnet4j.kernels.cpu.ConvProfile;
import org.magnet4j.tensor.Device;
import picocli.CommandLine.Command;

/**
 * `magnet bench`: timings next to PyTorch's, measured in the same invocation with the same thread count (or on the
 * same GPU). The subcommands are {@link BenchModel}, {@link BenchPipeline}, {@link BenchOps} and {@link BenchLoad};
 * this class holds what they share. CPU kernel figures come from the JMH benchmarks (benchmarks/).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchModel.class, BenchPipeline.class, BenchOps.class, BenchLoad.class},
        description = "Time a model forward, the whole MagNet pipeline, the ops at MagNet's sizes or a checkpoint read, here and in PyTorch, and print the ratio.")
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

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
