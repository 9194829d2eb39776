package org.magnet4j.tools;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `magnet bench load`: reading a checkpoint here and with torch.load (bench_load.py). */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Checkpoint reading time next to torch.load of the same file.")
final class BenchLoad implements Callable<Integer> {
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
        return BenchCommand.median(times);
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
        return BenchCommand.median(times);
    }
}
