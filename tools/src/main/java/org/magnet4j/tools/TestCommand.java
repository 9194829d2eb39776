package org.magnet4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.Datasets;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.run.Evaluation;
import org.magnet4j.magnet.run.MagNetModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** test.py: MagNet over a datalist, coarse and refined mean IoU, per-class table, results.json, optional pictures. */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate MagNet on a dataset: coarse and refined mean IoU, per-class IoU, <save_dir>/results.json.")
final class TestCommand implements Callable<Integer> {
    @Option(names = "--root", required = true, description = "Data root; datalist paths are relative to it.")
    Path root;

    @Option(names = "--datalist", required = true, description = "Text file, one 'image<TAB>label' pair a line.")
    Path datalist;

    @Option(names = "--save_pred", description = "Save [image | ground truth | coarse | refined] pictures in --save_dir.")
    boolean savePred;

    @Option(names = "--save_dir", defaultValue = "test_results", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path saveDir;

    @Mixin MagNetOptions opts = new MagNetOptions();

    @Override public Integer call() {
        PrintStream out = System.out;
        MagNetSettings s = opts.settings();
        SegmentationDataset dataset = Datasets.byName(opts.dataset);
        opts.checkClasses(dataset);
        List<Datalist.Entry> entries = Datalist.read(datalist, root);
        if (entries.isEmpty()) throw new IllegalArgumentException("the datalist " + datalist + " lists no images");
        int refined = s.scales().size() - 1;
        opts.checkRefinementCount(refined, s.nPatches() != 0);
        org.magnet4j.tensor.Device dev = opts.device();
        MagNetModels models = MagNetModels.load(opts.model, opts.numClasses, opts.pretrained, opts.pretrainedRefinement,
                refined, opts.foldBn, out);
        out.printf("%d images of %s, scales %s, model %s%n", entries.size(), dataset.name(), s.scales(), opts.model);
        Evaluation.Result r = new Evaluation(dataset, s, models.backboneFunction(dev), models.refinerFunctions(dev))
                .run(entries, savePred ? saveDir : null, out);
        r.print(out);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("root", root.toString());
        extra.put("datalist", datalist.toString());
        extra.put("model", opts.model);
        extra.put("num_classes", opts.numClasses);
        extra.put("pretrained", opts.pretrained.toString());
        extra.put("pretrained_refinement", opts.pretrainedRefinement.stream().map(Path::toString).toList());
        Path json = saveDir.resolve("results.json");
        Evaluation.writeJson(r, s, extra, json);
        out.println("results in " + json);
        return 0;
    }
}
