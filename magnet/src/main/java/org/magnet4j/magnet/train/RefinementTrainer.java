package org.magnet4j.magnet.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.magnet4j.magnet.data.Datalist;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.ImageNormalizer;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.data.SegmentationDataset;
import org.magnet4j.magnet.metrics.ConfusionMatrix;
import org.magnet4j.magnet.metrics.IoU;
import org.magnet4j.magnet.models.RefinementMagNet;
import org.magnet4j.magnet.pipeline.Scale;
import org.magnet4j.magnet.run.AtomicText;
import org.magnet4j.magnet.run.Progress;
import org.magnet4j.magnet.run.Weights;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.loss.OhemCrossEntropyLoss;
import org.magnet4j.nn.optim.MultiStepLR;
import org.magnet4j.nn.optim.SGD;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * train.py (reference description, section 5): trains one refinement module on top of a frozen backbone.
 *
 * <p>Per step, for a batch of {@link TrainingSample}s: {@code coarse_pred = softmax(backbone(coarse))},
 * {@code fine_pred = softmax(backbone(fine))} (backbone in eval mode, no gradients), {@code crop =
 * roi_align(coarse_pred, box, (input_h, input_w))}, {@code logits = refinement(crop, fine_pred)} (the coarse crop
 * first, as train.py calls it), OHEM cross entropy, SGD (momentum, weight decay), MultiStepLR stepped per epoch.
 *
 * <p>Files, in {@code <log_dir>/<task_name>/<timestamp>/}: {@code config.json}; {@code epoch<N>.pth} after every
 * epoch (the refinement state dict, a torch.save zip PyTorch loads; {@code --pretrained_refinement} loads it back);
 * {@code last.pth} (the same plus {@code optimizer.*}, {@code scheduler.*} and {@code epoch}, for resuming);
 * {@code metrics.jsonl} (one JSON object per step and per epoch); {@code metrics.png} (loss and IoU per epoch).
 * Every file is written to a temporary file and renamed, so a killed run leaves complete files only.
 *
 * <p>Randomness: the refinement module is initialised after {@code Init.manualSeed(seed)}; epoch e shuffles and
 * draws its samples from a generator seeded from (seed, e) alone, so a run resumed after epoch e continues exactly
 * as an uninterrupted one (same weights, bit for bit).
 */
public final class RefinementTrainer {
    /** Told after each epoch's files are written (a test can stop the run there, as a kill would). */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int epoch, EpochSummary summary);
    }

    /** Means over an epoch's steps. */
    public record EpochSummary(int epoch, double loss, double lr, double fwIoUCoarse, double fwIoUFine, double fwIoUAggregate, int steps) {}

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final TrainConfig cfg;
    private final SegmentationDataset dataset;
    private final List<Datalist.Entry> entries;
    private final Module backbone;
    private final RefinementMagNet refiner;
    private final List<Scale> scales;
    private final SGD optimizer;
    private final MultiStepLR scheduler;
    private final OhemCrossEntropyLoss loss;
    private final Path runDir;
    private final List<EpochSummary> history = new ArrayList<>();
    private final List<String> metricLines = new ArrayList<>();
    private int completedEpochs;

    /**
     * @param backbone frozen segmentation backbone mapping [N,3,H,W] to [N,C,H,W] logits (put in eval mode here)
     * @param resume   a run folder (or its {@code last.pth}) to continue; null starts a new run in a new
     *                 {@code <log_dir>/<task_name>/<timestamp>} folder
     */
    public RefinementTrainer(TrainConfig cfg, SegmentationDataset dataset, List<Datalist.Entry> entries, Module backbone, Path resume) {
        if (entries.isEmpty()) throw new IllegalArgumentException("the datalist " + cfg.datalist() + " lists no images");
        if (dataset.numClasses() != cfg.numClasses())
            throw new IllegalArgumentException("--num_classes " + cfg.numClasses() + " does not match the " + dataset.numClasses() + " classes of dataset " + dataset.name());
        this.cfg = cfg;
        this.dataset = dataset;
        this.entries = List.copyOf(entries);
        this.backbone = backbone;
        backbone.eval();
        this.scales = new ArrayList<>();
        for (String s : cfg.scales()) scales.addAll(Scale.parseList(s));
        Scale first = scales.get(0);
        if (first.width() > cfg.cropWidth() || first.height() > cfg.cropHeight())
            throw new IllegalArgumentException("the first scale " + first + " must be a single patch: it is larger than the crop size "
                    + cfg.cropWidth() + "x" + cfg.cropHeight());
        for (Scale s : scales.subList(1, scales.size()))
            if (s.width() < cfg.cropWidth() || s.height() < cfg.cropHeight())
                throw new IllegalArgumentException("scale " + s + " is smaller than the crop size " + cfg.cropWidth() + "x" + cfg.cropHeight());
        Init.manualSeed(cfg.seed());
        this.refiner = new RefinementMagNet(cfg.numClasses());
        if (cfg.pretrainedRefinement() != null && resume == null) Weights.load(refiner, Path.of(cfg.pretrainedRefinement()), false);
        this.optimizer = new SGD(refiner.parameters(), cfg.lr(), cfg.momentum(), cfg.decay());
        this.scheduler = new MultiStepLR(optimizer, cfg.milestones(), cfg.gamma());
        this.loss = new OhemCrossEntropyLoss(dataset.hasIgnore() ? dataset.ignoreIndex() : -1, cfg.ohemThresh(), cfg.ohemMinKept());
        if (resume != null) {
            this.runDir = Files.isDirectory(resume) ? resume : resume.toAbsolutePath().getParent();
            restore(runDir.resolve("last.pth"));
        } else {
            this.runDir = newRunDir(Path.of(cfg.logDir()).resolve(cfg.taskName()));
        }
    }

    /** The latest run folder of a task that has a {@code last.pth}, for {@code --resume} without a path. */
    public static Path latestRun(Path logDir, String taskName) {
        Path task = logDir.resolve(taskName);
        if (!Files.isDirectory(task)) throw new IllegalArgumentException("nothing to resume: " + task + " does not exist");
        try (Stream<Path> s = Files.list(task)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("last.pth"))).max(Path::compareTo)
                    .orElseThrow(() -> new IllegalArgumentException("nothing to resume: no run in " + task + " has a last.pth"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + task + ": " + e, e);
        }
    }

    private static Path newRunDir(Path task) {
        String stamp = LocalDateTime.now().format(STAMP);
        Path dir = task.resolve(stamp);
        for (int k = 2; Files.exists(dir); k++) dir = task.resolve(stamp + "-" + k);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the run folder " + dir + ": " + e, e);
        }
        return dir;
    }

    public Path runDir() { return runDir; }

    public RefinementMagNet refiner() { return refiner; }

    public int completedEpochs() { return completedEpochs; }

    public List<EpochSummary> history() { return List.copyOf(history); }

    /** Trains the remaining epochs, writing checkpoints, metrics and the plot after each. */
    public List<EpochSummary> run(PrintStream out, EpochListener listener) {
        AtomicText.write(runDir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().serializeNulls()
                .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create().toJson(cfg) + "\n");
        int perEpoch = (entries.size() + cfg.batchSize() - 1) / cfg.batchSize();
        if (out != null) {
            out.printf(Locale.ROOT, "training refinement (%,d parameters) on %d images, %d steps per epoch, epochs %d..%d; run folder %s%n",
                    refiner.parameterCount(), entries.size(), perEpoch, completedEpochs + 1, cfg.epochs(), runDir);
        }
        Progress progress = out == null ? null : Progress.create(out, "train", (cfg.epochs() - completedEpochs) * perEpoch);
        int done = 0;
        for (int epoch = completedEpochs; epoch < cfg.epochs(); epoch++) {
            SplittableRandom rng = epochRandom(cfg.seed(), epoch);
            int[] order = shuffled(entries.size(), rng);
            double sumLoss = 0, sumC = 0, sumF = 0, sumA = 0;
            double lr = optimizer.lr();
            for (int b = 0; b < perEpoch; b++) {
                List<TrainingSample> batch = new ArrayList<>();
                for (int j = b * cfg.batchSize(); j < Math.min((b + 1) * cfg.batchSize(), order.length); j++)
                    batch.add(sample(entries.get(order[j]), rng));
                double[] m = step(batch);
                sumLoss += m[0];
                sumC += m[1];
                sumF += m[2];
                sumA += m[3];
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("type", "step");
                rec.put("epoch", epoch + 1);
                rec.put("step", epoch * perEpoch + b + 1);
                rec.put("loss", m[0]);
                rec.put("lr", lr);
                rec.put("fwIoU_coarse", m[1]);
                rec.put("fwIoU_fine", m[2]);
                rec.put("fwIoU_aggregate", m[3]);
                metricLines.add(GSON.toJson(rec));
                if (progress != null)
                    progress.update(++done, String.format(Locale.ROOT, "epoch %d/%d loss %.4f lr %.2g", epoch + 1, cfg.epochs(), m[0], lr));
            }
            scheduler.step();
            EpochSummary s = new EpochSummary(epoch + 1, sumLoss / perEpoch, lr, sumC / perEpoch, sumF / perEpoch, sumA / perEpoch, perEpoch);
            history.add(s);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("type", "epoch");
            rec.put("epoch", s.epoch());
            rec.put("loss", s.loss());
            rec.put("lr", s.lr());
            rec.put("fwIoU_coarse", s.fwIoUCoarse());
            rec.put("fwIoU_fine", s.fwIoUFine());
            rec.put("fwIoU_aggregate", s.fwIoUAggregate());
            metricLines.add(GSON.toJson(rec));
            completedEpochs = epoch + 1;
            save();
            if (out != null)
                out.printf(Locale.ROOT, "epoch %d: loss %.4f, fwIoU coarse %.2f fine %.2f aggregate %.2f; saved %s%n", s.epoch(), s.loss(),
                        100 * s.fwIoUCoarse(), 100 * s.fwIoUFine(), 100 * s.fwIoUAggregate(), runDir.resolve("epoch" + s.epoch() + ".pth"));
            if (listener != null) listener.epochDone(s.epoch(), s);
        }
        return history();
    }

    /** The generator of one epoch: a function of the seed and the epoch only. */
    static SplittableRandom epochRandom(long seed, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1));
    }

    private static int[] shuffled(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private TrainingSample sample(Datalist.Entry e, SplittableRandom rng) {
        RgbImage image = ImageIo.readRgb(e.image());
        GrayImage label = dataset.readLabel(e.label());
        return TrainingSample.draw(image, label, scales, cfg.cropWidth(), cfg.cropHeight(), cfg.inputWidth(), cfg.inputHeight(), rng);
    }

    /** One optimisation step; returns {loss, fwIoU coarse, fwIoU fine, fwIoU aggregate}. */
    private double[] step(List<TrainingSample> batch) {
        int n = batch.size(), ih = cfg.inputHeight(), iw = cfg.inputWidth();
        ImageNormalizer norm = ImageNormalizer.imagenet();
        List<RgbImage> coarseImgs = new ArrayList<>(), fineImgs = new ArrayList<>();
        long[] labels = new long[n * ih * iw];
        byte[] labelBytes = new byte[n * ih * iw];
        float[] boxes = new float[n * 5];
        for (int i = 0; i < n; i++) {
            TrainingSample s = batch.get(i);
            coarseImgs.add(s.coarse());
            fineImgs.add(s.fine());
            byte[] l = s.label().data();
            for (int p = 0; p < l.length; p++) {
                labels[i * ih * iw + p] = l[p] & 0xFF;
                labelBytes[i * ih * iw + p] = l[p];
            }
            boxes[i * 5] = i;
            System.arraycopy(s.box(), 0, boxes, i * 5 + 1, 4);
        }
        Tensor coarsePred, finePred, crop;
        try (var g = GradMode.noGrad()) {
            coarsePred = backbone.forward(norm.toTensor(coarseImgs)).softmax(1);
            finePred = backbone.forward(norm.toTensor(fineImgs)).softmax(1);
            crop = Sampling.roiAlign(coarsePred, Tensor.fromArray(boxes, n, 5), ih, iw, 1.0, -1, false);
        }
        refiner.train(true);
        Tensor logits = refiner.forward(crop, finePred);
        Tensor l = loss.forward(logits, Tensor.fromArray(labels, n, ih, iw));
        optimizer.zeroGrad();
        l.backward();
        optimizer.step();
        double lossValue = l.item();
        try (var g = GradMode.noGrad()) {
            long[] pc = crop.argmax(1, false).toLongArray();
            long[] pf = finePred.argmax(1, false).toLongArray();
            long[] pr = logits.detach().argmax(1, false).toLongArray();
            // aggregate: half of each crop's pixels, those with the largest certainty(fine) * (1 - certainty(coarse)), take the refined class
            Tensor score = certainty(finePred).mul(certainty(crop).neg().add(1.0)).reshape(n, ih * iw);
            long[] agg = pc.clone();
            int half = ih * iw / 2;
            if (half > 0) {
                long[] top = score.topk(half, 1, true)[1].toLongArray();
                for (int i = 0; i < n; i++)
                    for (int k = 0; k < half; k++) {
                        int p = i * ih * iw + (int) top[i * half + k];
                        agg[p] = pr[p];
                    }
            }
            int[] eval = dataset.evalClasses();
            int c = dataset.numClasses();
            return new double[] {lossValue,
                IoU.frequencyWeighted(new ConfusionMatrix(c).add(labelBytes, pc, dataset.ignoreIndex()), eval),
                IoU.frequencyWeighted(new ConfusionMatrix(c).add(labelBytes, pf, dataset.ignoreIndex()), eval),
                IoU.frequencyWeighted(new ConfusionMatrix(c).add(labelBytes, agg, dataset.ignoreIndex()), eval)};
        }
    }

    /** top1 - top2 over classes: [N, H, W]. */
    private static Tensor certainty(Tensor probs) {
        Tensor top = probs.topk(2, 1, true)[0];
        return top.select(1, 0).sub(top.select(1, 1));
    }

    // ---- checkpoints ------------------------------------------------------------------------------------------

    private void save() {
        Map<String, Tensor> model = refiner.stateDict();
        Weights.save(model, runDir.resolve("epoch" + completedEpochs + ".pth"));
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.forEach((k, v) -> all.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> all.put("optimizer." + k, v));
        scheduler.stateDict().forEach((k, v) -> all.put("scheduler." + k, v));
        all.put("epoch", Tensor.fromArray(new long[] {completedEpochs}).reshape());
        Weights.save(all, runDir.resolve("last.pth"));
        AtomicText.write(runDir.resolve("metrics.jsonl"), String.join("\n", metricLines) + "\n");
        TrainingPlot.write(history, runDir.resolve("metrics.png"));
    }

    private void restore(Path last) {
        Map<String, Tensor> all = Weights.readAll(last);
        Map<String, Tensor> model = new LinkedHashMap<>(), opt = new LinkedHashMap<>(), sched = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("model.")) model.put(k.substring(6), v);
            else if (k.startsWith("optimizer.")) opt.put(k.substring(10), v);
            else if (k.startsWith("scheduler.")) sched.put(k.substring(10), v);
        });
        Tensor epoch = all.get("epoch");
        if (epoch == null || model.isEmpty() || opt.isEmpty() || sched.isEmpty())
            throw new IllegalArgumentException(last + " is not a resumable checkpoint (it needs model.*, optimizer.*, scheduler.* and epoch)");
        refiner.loadStateDict(model, true);
        optimizer.loadStateDict(opt);
        scheduler.loadStateDict(sched);
        completedEpochs = (int) epoch.item();
        Path metrics = runDir.resolve("metrics.jsonl");
        if (Files.isRegularFile(metrics)) {
            try {
                for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    int e = o.get("epoch").getAsInt();
                    if (e > completedEpochs) continue; // steps of an epoch that did not finish
                    metricLines.add(line);
                    if ("epoch".equals(o.get("type").getAsString()))
                        history.add(new EpochSummary(e, o.get("loss").getAsDouble(), o.get("lr").getAsDouble(), o.get("fwIoU_coarse").getAsDouble(),
                                o.get("fwIoU_fine").getAsDouble(), o.get("fwIoU_aggregate").getAsDouble(), 0));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read " + metrics + " to resume: " + e.getMessage(), e);
            }
        }
    }
}
