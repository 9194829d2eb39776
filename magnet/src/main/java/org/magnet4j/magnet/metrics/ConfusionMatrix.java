package org.magnet4j.magnet.metrics;

import java.util.Arrays;

/**
 * A C x C pixel confusion matrix, rows = ground-truth label, columns = prediction (the reference calls
 * {@code confusion_matrix(label, pred, C, ignore_label)}: {@code bincount(C * label + pred)}). A pixel counts when
 * its label is not the ignore index and both label and prediction lie in {@code 0..C-1}.
 */
public final class ConfusionMatrix {
    private final int n;
    private final long[] counts;

    public ConfusionMatrix(int numClasses) {
        if (numClasses <= 0) throw new IllegalArgumentException("class count must be positive, got " + numClasses);
        n = numClasses;
        counts = new long[n * n];
    }

    public int numClasses() { return n; }

    /** Pixels counted at (label, prediction). */
    public long get(int label, int prediction) { return counts[label * n + prediction]; }

    /** Adds per-pixel labels (unsigned bytes) and predictions; {@code ignoreIndex} -1 for none. */
    public ConfusionMatrix add(byte[] label, byte[] prediction, int ignoreIndex) {
        checkLength(label.length, prediction.length);
        for (int i = 0; i < label.length; i++) count(label[i] & 0xFF, prediction[i] & 0xFF, ignoreIndex);
        return this;
    }

    public ConfusionMatrix add(byte[] label, int[] prediction, int ignoreIndex) {
        checkLength(label.length, prediction.length);
        for (int i = 0; i < label.length; i++) count(label[i] & 0xFF, prediction[i], ignoreIndex);
        return this;
    }

    /** Predictions as arg-max indices (e.g. an int64 tensor's {@code toLongArray()}). */
    public ConfusionMatrix add(byte[] label, long[] prediction, int ignoreIndex) {
        checkLength(label.length, prediction.length);
        for (int i = 0; i < label.length; i++) {
            long p = prediction[i];
            count(label[i] & 0xFF, p < 0 || p >= n ? -1 : (int) p, ignoreIndex);
        }
        return this;
    }

    public ConfusionMatrix add(int[] label, int[] prediction, int ignoreIndex) {
        checkLength(label.length, prediction.length);
        for (int i = 0; i < label.length; i++) count(label[i], prediction[i], ignoreIndex);
        return this;
    }

    /** Adds another matrix (per-image matrices summed over a dataset). */
    public ConfusionMatrix add(ConfusionMatrix other) {
        if (other.n != n) throw new IllegalArgumentException("cannot add a " + other.n + "-class matrix to a " + n + "-class one");
        for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
        return this;
    }

    private void count(int label, int pred, int ignore) {
        if (label == ignore || label < 0 || label >= n || pred < 0 || pred >= n) return;
        counts[label * n + pred]++;
    }

    private static void checkLength(int a, int b) {
        if (a != b) throw new IllegalArgumentException("label has " + a + " pixels, prediction " + b);
    }

    public long total() {
        long s = 0;
        for (long c : counts) s += c;
        return s;
    }

    public long rowSum(int label) {
        long s = 0;
        for (int j = 0; j < n; j++) s += counts[label * n + j];
        return s;
    }

    public long columnSum(int prediction) {
        long s = 0;
        for (int i = 0; i < n; i++) s += counts[i * n + prediction];
        return s;
    }

    public ConfusionMatrix copy() {
        ConfusionMatrix m = new ConfusionMatrix(n);
        System.arraycopy(counts, 0, m.counts, 0, counts.length);
        return m;
    }

    /** Row-major counts (a copy). */
    public long[] toArray() { return counts.clone(); }

    @Override public String toString() { return "ConfusionMatrix[" + n + " classes, " + total() + " pixels]"; }

    @Override public boolean equals(Object o) { return o instanceof ConfusionMatrix m && m.n == n && Arrays.equals(m.counts, counts); }

    @Override public int hashCode() { return Arrays.hashCode(counts); }
}
