package org.magnet4j.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.magnet4j.convert.Checkpoint;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.Checkpoints;
import org.magnet4j.convert.LoadOptions;
import org.magnet4j.convert.StoredTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect FILE}: format, what the file records about its origin (serialization version, byte order, pickle
 * protocol, PyTorch version where recorded, safetensors metadata), tensor and parameter counts, then every key with
 * its dtype and shape. Keys are shown exactly as stored.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the tensors of a checkpoint (.pth zip or legacy, or .safetensors): keys, dtypes, shapes, counts, format.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Checkpoint to inspect.")
    Path file;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "-1", description = "Show at most N keys (default: all).")
    int limit;

    @Spec CommandSpec spec;

    @Override public Integer call() throws CheckpointException {
        Checkpoint c = Checkpoints.load(file, LoadOptions.raw());
        PrintWriter w = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        w.printf("file: %s%n", file);
        for (Map.Entry<String, String> e : c.info().entrySet()) w.printf("%s: %s%n", e.getKey(), e.getValue());
        for (Map.Entry<String, String> e : c.extras().entrySet()) w.printf("checkpoint %s: %s%n", e.getKey(), e.getValue());
        long bytes = c.tensors().values().stream().mapToLong(StoredTensor::byteSize).sum();
        w.printf("tensors: %d%n", c.tensors().size());
        w.printf("parameters: %,d (%,d elements including batch-norm buffers, %.1f MB)%n", c.parameterCount(), c.elementCount(), bytes / 1e6);
        int shown = 0;
        int width = c.tensors().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (StoredTensor t : c.tensors().values()) {
            if (limit >= 0 && shown++ >= limit) { w.printf("... %d more%n", c.tensors().size() - limit); break; }
            w.printf("  %-" + Math.max(width, 1) + "s  %-8s %s%n", t.name(), t.dtype(), Arrays.toString(t.shape()));
        }
        w.flush();
        return 0;
    }
}
