package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cache of transformed Winograd weights: reused while a layer's weights are unchanged, recomputed after any change
 * made in place (as a training step makes), so a convolution never runs on stale weights.
 */
class WinogradWeightsTest {
    private static final int CO = 13, C = 7; // a short last group of rows (13 = 12 + 1)

    @Test
    void reusesUnchangedWeights() {
        assumeTrue(WinogradWeights.ENABLED, "-Dmagnet.winogradCache=false turns the cache off");
        float[] w = gaussian(new SplittableRandom(1), 3 + CO * C * 9);
        PackedA[] first = WinogradWeights.packed(w, 3, CO, C, 16, Winograd3x3::transformWeights);
        assertSame(first, WinogradWeights.packed(w, 3, CO, C, 16, Winograd3x3::transformWeights), "same weights: the cached matrices");
        assertPacksAsFresh(first, w, 3, 16);
        assertNotSame(first, WinogradWeights.packed(w.clone(), 3, CO, C, 16, Winograd3x3::transformWeights), "another array: its own entry");
    }

    @Test
    void recomputesAfterAnInPlaceChange() {
        assumeTrue(WinogradWeights.ENABLED, "-Dmagnet.winogradCache=false turns the cache off");
        float[] w = gaussian(new SplittableRandom(2), CO * C * 9);
        PackedA[] before = WinogradWeights.packed(w, 0, CO, C, 36, WinogradF4x4::transformWeights);
        w[CO * C * 9 - 1] = Math.nextUp(w[CO * C * 9 - 1]); // the last tap of the last pair, by one ulp
        PackedA[] after = WinogradWeights.packed(w, 0, CO, C, 36, WinogradF4x4::transformWeights);
        assertNotSame(before, after);
        assertPacksAsFresh(after, w, 0, 36);
    }

    /** A whole convolution after an in-place change gives the bits of the same convolution with fresh weights. */
    @Test
    void convolutionSeesInPlaceChanges() {
        int c = 8, co = 8, h = 4, wd = 2 * 2 * FloatVectorLanes.VL; // F(2x2, 3x3): a row of tiles a whole number of vectors
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = gaussian(rng, c * h * wd), w = gaussian(rng, co * c * 9);
        float[] first = new float[co * h * wd], again = new float[co * h * wd], fresh = new float[co * h * wd];
        Winograd3x3.conv(x, 0, c, h, wd, w, 0, co, first, 0, null);
        for (int i = 0; i < w.length; i += 5) w[i] *= -0.5f;
        Winograd3x3.conv(x, 0, c, h, wd, w, 0, co, again, 0, null);
        Winograd3x3.conv(x, 0, c, h, wd, w.clone(), 0, co, fresh, 0, null);
        assertArrayEquals(fresh, again);
        assertEquals(false, java.util.Arrays.equals(first, again), "the change must show");
    }

    /** Each packed matrix equals a fresh transform of w packed anew. */
    private static void assertPacksAsFresh(PackedA[] got, float[] w, int wOff, int points) {
        float[] u = new float[points * CO * C];
        if (points == 16) Winograd3x3.transformWeights(w, wOff, CO, C, u);
        else WinogradF4x4.transformWeights(w, wOff, CO, C, u);
        int per = (int) PackedA.size(CO, C);
        assertEquals(points, got.length);
        for (int xi = 0; xi < points; xi++) {
            PackedA want = PackedA.pack(CO, C, u, xi * CO * C, C, new float[per]);
            float[] g = java.util.Arrays.copyOfRange(got[xi].data, got[xi].base, got[xi].base + per);
            assertArrayEquals(want.data, g, "point " + xi);
        }
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static final class FloatVectorLanes {
        static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }
}
