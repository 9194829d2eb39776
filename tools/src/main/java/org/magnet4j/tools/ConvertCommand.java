package org.magnet4j.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.magnet4j.convert.Checkpoint;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.ConvertOptions;
import org.magnet4j.convert.Converter;
import org.magnet4j.convert.KeyMapping;
import org.magnet4j.convert.LoadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convert IN.pth OUT.safetensors [--model NAME --num_classes C]}: reads a torch.save checkpoint (zip or
 * legacy; or a safetensors file) without Python, maps its keys, optionally validates them against a model, and writes
 * safetensors atomically (nothing appears at OUT unless everything succeeded).
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a PyTorch checkpoint (.pth, zip or legacy format) to .safetensors, without Python.")
public final class ConvertCommand implements Callable<Integer> {

    /** Supplies a model's expected parameter names and shapes, for --model. */
    @FunctionalInterface
    public interface ModelShapes {
        /** Names to shapes for the model, or null when the model is unknown. */
        Map<String, int[]> expectedShapes(String model, int numClasses);
    }

    /** The hook the CLI sets once the models exist; null means --model cannot validate yet. */
    private static volatile ModelShapes registeredShapes;

    public static void registerModelShapes(ModelShapes shapes) { registeredShapes = shapes; }

    @Parameters(index = "0", paramLabel = "IN", description = "Input checkpoint (.pth, .pt, .safetensors).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output .safetensors file.")
    Path out;

    @Option(names = "--model", paramLabel = "NAME", description = "Validate keys and shapes against this model (e.g. hrnet18+ocr, refinement).")
    String model;

    @Option(names = "--num_classes", paramLabel = "C", defaultValue = "19", description = "Classes of the model for --model (default ${DEFAULT-VALUE}).")
    int numClasses;

    @Option(names = "--keep-prefixes", description = "Keep leading 'module.' / 'model.' in keys (default: strip them).")
    boolean keepPrefixes;

    @Option(names = "--drop-num-batches-tracked", description = "Drop batch-norm num_batches_tracked counters.")
    boolean dropNumBatchesTracked;

    @Option(names = "--rename", paramLabel = "FROM=TO", description = "Rename keys starting with FROM to start with TO (repeatable).")
    List<String> renames = new ArrayList<>();

    @Option(names = "--widen-half", description = "Store float16/bfloat16 tensors as float32.")
    boolean widenHalf;

    @Option(names = "--state-dict-key", paramLabel = "KEY", description = "Entry of a training checkpoint holding the state dict (default: found automatically).")
    String stateDictKey;

    @Spec CommandSpec spec;

    private final ModelShapes shapes;

    public ConvertCommand() { this(null); }

    public ConvertCommand(ModelShapes shapes) { this.shapes = shapes; }

    @Override public Integer call() throws CheckpointException {
        KeyMapping mapping = keepPrefixes ? KeyMapping.none() : KeyMapping.defaults();
        if (model != null && model.toLowerCase().contains("hrnet")) mapping = mapping.withRename("last_layer", "aux_head");
        mapping = mapping.withDropNumBatchesTracked(dropNumBatchesTracked);
        for (String r : renames) {
            int eq = r.indexOf('=');
            if (eq <= 0) throw new CheckpointException(r, "--rename takes FROM=TO");
            mapping = mapping.withRename(r.substring(0, eq), r.substring(eq + 1));
        }
        ConvertOptions options = ConvertOptions.defaults()
                .withLoadOptions(LoadOptions.defaults().withKeyMapping(mapping).withWidenHalf(widenHalf).withStateDictKey(stateDictKey));
        if (model != null) {
            ModelShapes s = shapes != null ? shapes : registeredShapes;
            Map<String, int[]> expected = s == null ? null : s.expectedShapes(model, numClasses);
            if (expected == null)
                throw new CheckpointException(in.toString(), "cannot validate against model '" + model + "': no shapes are known for it");
            options = options.withExpectedShapes(expected).withMetadata(Map.of("model", model, "num_classes", String.valueOf(numClasses)));
        }
        long t0 = System.nanoTime();
        Checkpoint c = Converter.convert(in, out, options);
        var w = spec == null ? new java.io.PrintWriter(System.out, true) : spec.commandLine().getOut();
        w.printf("%s (%s) -> %s: %d tensors, %,d parameters, %.1f MB in %.2f s%n", in, c.format().name().toLowerCase(), out,
                c.tensors().size(), c.parameterCount(), c.tensors().values().stream().mapToLong(t -> t.byteSize()).sum() / 1e6,
                (System.nanoTime() - t0) / 1e9);
        w.flush();
        return 0;
    }
}
