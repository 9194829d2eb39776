package org.magnet4j.magnet.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.magnet4j.nn.functional.MedianBlur;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * MagNet's progressive inference (docs/magnet-reference.md section 3): a coarse prediction of the whole
 * image, then per finer scale the patches are segmented, fused with the coarse crop by a refinement module,
 * and only the most error-prone pixels of the running prediction are replaced. Step numbers in comments
 * refer to that section.
 * <p>
 * The work runs on the device of the backbone's output (a GPU when the networks run there: no copies of the
 * running prediction per patch); only the patch scores and the error map's values come to the host, for the
 * ordering and the pixel selection (which breaks ties exactly as PyTorch's CPU topk). The stage maps handed to
 * the listener and returned are on the CPU.
 */
public final class ProgressiveInference {
    private final MagNetSettings s;
    private final Function<Tensor, Tensor> backbone;
    private final List<BiFunction<Tensor, Tensor, Tensor>> refiners;
    private final StageListener listener;

    /**
     * @param backbone maps [B,3,inputH,inputW] to logits [B,C,inputH,inputW]
     * @param refiners one refinement module for every stage, or one per refined stage; each maps
     *                 (fine probabilities, coarse probabilities) to logits
     */
    public ProgressiveInference(MagNetSettings settings, Function<Tensor, Tensor> backbone,
                                List<BiFunction<Tensor, Tensor, Tensor>> refiners, StageListener listener) {
        int stages = settings.scales().size() - 1;
        if (refiners.isEmpty() && stages > 0 && settings.nPatches() != 0)
            throw new IllegalArgumentException("no refinement module given for " + stages + " refined stages");
        if (refiners.size() != 1 && refiners.size() != stages && stages > 0)
            throw new IllegalArgumentException(refiners.size() + " refinement modules given: expected 1 (shared by every stage) or "
                    + stages + " (one per refined stage, scales " + settings.scales().subList(1, settings.scales().size()) + ")");
        this.s = settings;
        this.backbone = backbone;
        this.refiners = List.copyOf(refiners);
        this.listener = listener;
    }

    /** Runs every stage and returns each stage's probability map [1, C, H_i, W_i] (stage 0 at the input size), on the CPU. */
    public List<Tensor> run(PatchSource src) {
        try (var g = GradMode.noGrad()) {
            List<Tensor> stages = new ArrayList<>();
            long t0 = System.nanoTime();
            Tensor p = backbone.apply(src.patch(0, 0)).softmax(1);
            Tensor host = p.to(Device.CPU);
            stages.add(host);
            listener.stageDone(0, s.scales().get(0), host, 1, System.nanoTime() - t0);
            if (s.nPatches() == 0) return stages;
            for (int i = 1; i < s.scales().size(); i++) {
                long t = System.nanoTime();
                int[] ran = new int[1];
                p = refineStage(i, p, src, ran);
                host = p.to(Device.CPU);
                stages.add(host);
                listener.stageDone(i, s.scales().get(i), host, ran[0], System.nanoTime() - t);
            }
            return stages;
        }
    }

    private Tensor refineStage(int stage, Tensor prev, PatchSource src, int[] ran) {
        Scale sc = s.scales().get(stage);
        int h = sc.height(), w = sc.width(), ih = s.inputHeight(), iw = s.inputWidth();
        // 1. upsample the running prediction to this scale
        Tensor p = Sampling.interpolate(prev, h, w, InterpMode.BILINEAR, false);
        // 2. patch boxes in pixels of p
        int total = src.patchCount(stage);
        double[][] boxes = new double[total][];
        for (int k = 0; k < total; k++) {
            // float32 products, as the reference multiplies its float32 ratio tensor by the scale size
            float[] r = src.ratioBox(stage, k);
            boxes[k] = new double[] {r[0] * (float) w, r[1] * (float) h, r[2] * (float) w, r[3] * (float) h};
        }
        // 3. uncertainty U = 1 - (top1 - top2)
        Tensor u = certainty(p).neg().add(1.0);
        // 4-5. patch scores = mean roi-aligned uncertainty; ascending order (the reference's quirk) unless corrected
        Tensor scores = Sampling.roiAlign(u, roiTensor(boxes, allIndices(total), p.device()), ih, iw, 1.0, -1, false).mean(new int[] {1, 2, 3}, false);
        long[] order = scores.sort(0, s.mostUncertainFirst())[1].toLongArray();
        int selected = s.nPatches() == -1 ? total : Math.min(s.nPatches(), total);
        int[] picked = new int[selected];
        for (int k = 0; k < selected; k++) picked[k] = (int) order[k];
        ran[0] = selected;
        // 6-8. per sub-batch: fine predictions, coarse crops at the same boxes, refinement (stage i uses module
        // min(count, i) - 1). Batching changes nothing numerically (eval mode) but bounds memory at fine scales.
        BiFunction<Tensor, Tensor, Tensor> refiner = refiners.get(Math.min(refiners.size(), stage) - 1);
        int[] first = Canvas.rounded(boxes[picked[0]]);
        int ph = first[3] - first[1], pw = first[2] - first[0];
        List<Tensor> refinedParts = new ArrayList<>();
        for (int k = 0; k < selected; k += s.subBatchSize()) {
            int end = Math.min(k + s.subBatchSize(), selected);
            List<Tensor> batch = new ArrayList<>();
            for (int j = k; j < end; j++) batch.add(src.patch(stage, picked[j]));
            // Each intermediate is released once consumed, so that its pooled buffer serves the next patch.
            Tensor logits = backbone.apply(Tensor.cat(batch, 0));
            Tensor fine = Tensor.releaseConsumed(logits, logits.softmax(1));
            Tensor coarse = Sampling.roiAlign(p, roiTensor(boxes, java.util.Arrays.copyOfRange(picked, k, end), p.device()), ih, iw, 1.0, -1, false);
            Tensor refinedLogits = refiner.apply(fine, coarse);
            Tensor.releaseAll(fine, coarse);
            Tensor refined = Tensor.releaseConsumed(refinedLogits, refinedLogits.softmax(1));
            // 9a. every refined patch resized to the pixel size of the first selected box
            refinedParts.add(Tensor.releaseConsumed(refined, Sampling.interpolate(refined, ph, pw, InterpMode.BILINEAR, false)));
            listener.patchesDone(stage, end, selected);
        }
        // 9b. ensemble into a canvas (assignment, then division by the coverage count: the reference's quirk)
        Canvas canvas = Canvas.assemble(refinedParts, boxes, picked, p.size(1), h, w);
        // 10. error score
        Tensor cert = certainty(canvas.values());
        if (s.nPatches() > 0) {
            Tensor zeroWhere = s.zeroCertaintyOutsideRefined() ? canvas.mask().eq(0.0) : canvas.mask();
            cert = cert.maskedFill(zeroWhere, 0.0);
        }
        Tensor e = cert.mul(Sampling.interpolate(u, h, w, InterpMode.BILINEAR, false));
        // 11. smooth: nearest down to the input size, median blur, nearest back
        e = Sampling.interpolate(e, ih, iw, InterpMode.NEAREST, false);
        e = MedianBlur.medianBlur(e, s.smoothKernel());
        e = Sampling.interpolate(e, h, w, InterpMode.NEAREST, false);
        // 12-13. pick the most error-prone pixels, breaking ties at the k-th score exactly as PyTorch's CPU topk
        int count = pointCount(w, h, selected, total);
        float[] flatE = e.reshape(-1).toFloatArray();
        long[] pixels = null;
        if (count < flatE.length) {
            int[] picked2 = TorchCpuTopk.largest(flatE, count);
            pixels = new long[picked2.length];
            for (int k = 0; k < picked2.length; k++) pixels[k] = picked2[k];
        }
        // 14. replace the picked pixels by the canvas
        return replace(p, canvas, pixels);
    }

    private int pointCount(int w, int h, int selected, int total) {
        double n = s.nPoints();
        double share = (double) w * h * selected / total;
        double k = n > 1 ? Math.min((int) n, share) : (long) (w * (double) h * n * selected / total);
        return (int) k;
    }

    private Tensor replace(Tensor p, Canvas canvas, long[] pixels) {
        int c = p.size(1), hw = p.size(2) * p.size(3);
        byte[] maskFlat = s.nPatches() > 0 ? (byte[]) canvas.mask().reshape(-1).download() : null;
        long[] chosen;
        if (pixels == null) {
            chosen = new long[hw];
            for (int k = 0; k < hw; k++) chosen[k] = k;
        } else chosen = pixels;
        if (maskFlat != null) chosen = java.util.Arrays.stream(chosen).filter(k -> maskFlat[(int) k] != 0).toArray();
        if (chosen.length == 0) return p;
        Tensor index = Tensor.fromArray(chosen, 1, chosen.length).to(p.device()).expand(c, chosen.length).contiguous();
        Tensor values = canvas.values().reshape(c, hw).gather(1, index);
        return p.reshape(c, hw).scatter(1, index, values).reshape(p.shape());
    }

    /** top1 - top2 over classes, [1, 1, H, W]. */
    static Tensor certainty(Tensor probs) {
        Tensor top = probs.topk(2, 1, true)[0];
        return top.narrow(1, 0, 1).sub(top.narrow(1, 1, 1));
    }

    private static int[] allIndices(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    /** roi_align boxes [K, 5]: (batch 0, x0, y0, x1, y1), float32 as the reference passes them, on the device. */
    private static Tensor roiTensor(double[][] boxes, int[] which, Device device) {
        float[] rows = new float[which.length * 5];
        for (int k = 0; k < which.length; k++) {
            double[] b = boxes[which[k]];
            for (int j = 0; j < 4; j++) rows[k * 5 + 1 + j] = (float) b[j];
        }
        return Tensor.fromArray(rows, which.length, 5).to(device);
    }

}
