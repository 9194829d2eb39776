package org.magnet4j.magnet.metrics;

/**
 * IoU from a {@link ConfusionMatrix}, as the reference's {@code magnet/utils/metrics.py}:
 * per class {@code diag / max(1, row + column - diag)}; mean IoU over a class subset (Cityscapes: all 19;
 * DeepGlobe: 1..6, class 0 "unknown" excluded); frequency-weighted IoU
 * {@code sum(IoU_c * freq_c) / sum(freq_c)} over the same subset with {@code freq_c = row_c / total} (the per-image
 * progress figure). An empty matrix scores 0.
 */
public final class IoU {
    private IoU() {}

    /** Per-class IoU (all zeros for an empty matrix). */
    public static double[] perClass(ConfusionMatrix m) {
        int n = m.numClasses();
        double[] out = new double[n];
        if (m.total() == 0) return out;
        for (int c = 0; c < n; c++) {
            long diag = m.get(c, c);
            long union = m.rowSum(c) + m.columnSum(c) - diag;
            out[c] = diag / (double) Math.max(1L, union);
        }
        return out;
    }

    /** Mean of the per-class IoU over {@code classes}. */
    public static double mean(ConfusionMatrix m, int[] classes) {
        if (classes.length == 0) throw new IllegalArgumentException("no classes to average");
        if (m.total() == 0) return 0;
        double[] iou = perClass(m);
        double s = 0;
        for (int c : classes) s += iou[c];
        return s / classes.length;
    }

    /** Mean IoU over every class. */
    public static double mean(ConfusionMatrix m) { return mean(m, all(m.numClasses())); }

    /** Frequency-weighted IoU over {@code classes} (0 when none of them occurs in the labels). */
    public static double frequencyWeighted(ConfusionMatrix m, int[] classes) {
        long total = m.total();
        if (total == 0) return 0;
        double[] iou = perClass(m);
        double num = 0, den = 0;
        for (int c : classes) {
            double freq = m.rowSum(c) / (double) total;
            num += iou[c] * freq;
            den += freq;
        }
        return den == 0 ? 0 : num / den;
    }

    public static double frequencyWeighted(ConfusionMatrix m) { return frequencyWeighted(m, all(m.numClasses())); }

    private static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }
}
