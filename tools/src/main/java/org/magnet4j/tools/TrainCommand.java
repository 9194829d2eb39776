package org.magnet4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.Datasets;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.magnet.train.RefinementTrainer;
import org.magnet4j.magnet.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** train.py: trains one refinement module over a frozen backbone; checkpoints per epoch, resumable. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a MagNet refinement module on a frozen backbone; writes <log_dir>/<task_name>/<timestamp>/epoch<N>.pth.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--root", required = true, description = "Data root; datalist paths are relative to it.")
    Path root;

    @Option(names = "--datalist", required = true, description = "Text file, one 'image<TAB>label' pair a line.")
    Path datalist;

    @Option(names = "--batch_size", defaultValue = "8", description = "Samples per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--epochs", defaultValue = "50", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--decay", defaultValue = "5e-4", description = "Weight decay (default ${DEFAULT-VALUE}).")
    double decay;

    @Option(names = "--gamma", defaultValue = "0.1", description = "Learning-rate factor at each milestone (default ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--milestones", arity = "1..*", description = "Epochs at which the learning rate is multiplied by gamma (default 10 20 30 40 45).")
    List<Integer> milestones = new ArrayList<>(List.of(10, 20, 30, 40, 45));

    @Option(names = "--log_dir", defaultValue = "runs", description = "Folder of the runs (default ${DEFAULT-VALUE}).")
    Path logDir;

    @Option(names = "--task_name", defaultValue = "refinement", description = "Name of the run's subfolder (default ${DEFAULT-VALUE}).")
    String taskName;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, shuffling and sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "", paramLabel = "RUN",
            description = "Continue a run from its last.pth: a run folder or last.pth file; without a value, the latest run of --task_name.")
    String resume;

    @Mixin MagNetOptions opts = new MagNetOptions();

    @Override public Integer call() {
        PrintStream out = System.out;
        MagNetSettings s = opts.settings();
        SegmentationDataset dataset = Datasets.byName(opts.dataset);
        opts.checkClasses(dataset);
        if (s.scales().size() < 2) throw new IllegalArgumentException("--scales needs a coarse scale and at least one finer scale to train on");
        if (opts.pretrainedRefinement.size() > 1)
            throw new IllegalArgumentException(opts.pretrainedRefinement.size() + " --pretrained_refinement files given: training starts one module from at most 1");
        List<Datalist.Entry> entries = Datalist.read(datalist, root);
        Path resumeFrom = null;
        if (resume != null) resumeFrom = resume.isEmpty() ? RefinementTrainer.latestRun(logDir, taskName) : Path.of(resume);
        if (resumeFrom != null && !java.nio.file.Files.exists(resumeFrom)) throw new IllegalArgumentException("cannot resume: " + resumeFrom + " does not exist");
        List<String> scales = s.scales().stream().map(sc -> sc.width() + "-" + sc.height()).toList();
        TrainConfig cfg = new TrainConfig(opts.dataset, root.toString(), datalist.toString(), scales, s.cropWidth(), s.cropHeight(),
                s.inputWidth(), s.inputHeight(), opts.model, opts.numClasses, opts.pretrained.toString(),
                opts.pretrainedRefinement.isEmpty() ? null : opts.pretrainedRefinement.get(0).toString(), batchSize, epochs, lr,
                momentum, decay, gamma, milestones.stream().mapToInt(Integer::intValue).toArray(), seed, logDir.toString(), taskName, 0.7, 100000);
        if (!opts.device().isCpu())
            throw new IllegalArgumentException("train runs on the CPU in this version; --device " + opts.device + " is supported by demo, test, forward and bench");
        MagNetModels models = MagNetModels.load(opts.model, opts.numClasses, opts.pretrained, List.of(), 0, opts.foldBn, out);
        RefinementTrainer trainer = new RefinementTrainer(cfg, dataset, entries, models.backbone(), resumeFrom);
        if (resumeFrom != null) out.printf("resuming %s after epoch %d%n", trainer.runDir(), trainer.completedEpochs());
        trainer.run(out, null);
        out.println("checkpoints in " + trainer.runDir());
        return 0;
    }
}
