package org.magnet4j.magnet.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Confusion matrix and IoU on small hand-computed cases. */
class IoUTest {
    private static final double EPS = 1e-15;

    @Test
    void confusionMatrixCountsLabelRowsPredictionColumnsAndSkipsIgnored() {
        byte[] label = {0, 0, 1, 1, 2, (byte) 255, 2, 5};
        int[] pred = {0, 1, 1, 1, 0, 2, 2, 1};
        ConfusionMatrix m = new ConfusionMatrix(3).add(label, pred, 255);
        // label 255 (ignored) and label 5 (>= C) are skipped
        assertArrayEquals(new long[] {1, 1, 0, 0, 2, 0, 1, 0, 1}, m.toArray());
        assertEquals(6, m.total());
        // predictions outside 0..C-1 are skipped too
        ConfusionMatrix m2 = new ConfusionMatrix(3).add(new byte[] {0, 1}, new long[] {-1, 7}, 255);
        assertEquals(0, m2.total());
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(3).add(new byte[2], new int[3], -1));
    }

    @Test
    void perClassMeanAndFrequencyWeightedIoU() {
        // rows = label: [[1,1,0],[0,2,0],[1,0,1]]
        ConfusionMatrix m = new ConfusionMatrix(3).add(new byte[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 0, 2}, 255);
        // class 0: 1 / (2 + 2 - 1) = 1/3; class 1: 2 / (2 + 3 - 2) = 2/3; class 2: 1 / (2 + 1 - 1) = 1/2
        double[] iou = IoU.perClass(m);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0, 0.5}, iou, EPS);
        assertEquals((1 / 3.0 + 2 / 3.0 + 0.5) / 3, IoU.mean(m), EPS);
        // DeepGlobe-style: classes 1..2 only
        assertEquals((2 / 3.0 + 0.5) / 2, IoU.mean(m, new int[] {1, 2}), EPS);
        // frequencies (row sums / total) 2/6 each: weighted = mean here
        assertEquals((1 / 3.0 + 2 / 3.0 + 0.5) / 3, IoU.frequencyWeighted(m), EPS);
        ConfusionMatrix skew = new ConfusionMatrix(2).add(new byte[] {0, 0, 0, 1}, new int[] {0, 0, 0, 0}, -1);
        // class 0: 3/4, class 1: 0/1; freq 3/4, 1/4 -> 0.5625
        assertEquals(0.75 * 0.75, IoU.frequencyWeighted(skew), EPS);
        assertEquals(0.0, IoU.frequencyWeighted(skew, new int[] {1}), EPS);
    }

    @Test
    void absentClassesScoreZeroAndEmptyMatricesScoreZero() {
        ConfusionMatrix m = new ConfusionMatrix(3).add(new byte[] {0, 0}, new int[] {0, 0}, -1);
        // union of classes 1 and 2 is 0 -> max(1, 0) -> IoU 0 (the reference counts them in the mean)
        assertArrayEquals(new double[] {1, 0, 0}, IoU.perClass(m), EPS);
        assertEquals(1 / 3.0, IoU.mean(m), EPS);
        ConfusionMatrix empty = new ConfusionMatrix(4);
        assertEquals(0.0, IoU.mean(empty));
        assertEquals(0.0, IoU.frequencyWeighted(empty));
        // summing per-image matrices
        ConfusionMatrix sum = m.copy().add(new ConfusionMatrix(3).add(new byte[] {1}, new int[] {2}, -1));
        assertEquals(3, sum.total());
        assertEquals(1, sum.get(1, 2));
    }
}
