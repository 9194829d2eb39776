package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 bilinear resizing by rows: each input row is interpolated along x once into a row of the output's
 * width, and each output row is then the weighted sum of two such rows, a vector loop over contiguous floats.
 * Upsampling 4x, an input row serves about eight output rows, so the gathers along x run once per input row
 * instead of twice per output row.
 *
 * <p>Same float operations in the same order as the per-pixel form
 * {@code (x[r0][c0] * b0 + x[r0][c1] * b1) * a0 + (x[r1][c0] * b0 + x[r1][c1] * b1) * a1}: bit-identical.
 */
final class BilinearRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private BilinearRows() {}

    /**
     * out[p][oy][ox] for planes p of x (h x w at xa[xo + p h w]), taps and weights per output row (y0, y1, wy0,
     * wy1) and column (x0, x1, wx0, wx1); out is planes x oh x ow from oa[0].
     */
    static void resize(float[] xa, int xo, int planes, int h, int w, int oh, int ow,
                       int[] y0, int[] y1, float[] wy0, float[] wy1, int[] x0, int[] x1, float[] wx0, float[] wx1, float[] oa) {
        Parallel.forRange(planes * oh, Math.max(1, 8192 / ow), (lo, hi) -> {
            Cache rows = new Cache(ow);
            for (int r = lo; r < hi; r++) {
                int p = r / oh, oy = r % oh, base = xo + p * h * w;
                long top = (long) p * h + y0[oy], bottom = (long) p * h + y1[oy];
                float[] t = rows.row(top, bottom, xa, base + y0[oy] * w, x0, x1, wx0, wx1);
                float[] b = rows.row(bottom, top, xa, base + y1[oy] * w, x0, x1, wx0, wx1);
                combine(t, b, wy0[oy], wy1[oy], oa, r * ow, ow);
            }
        });
    }

    /** out[at ..] = t * a0 + b * a1 (a product, a product, a sum, as the per-pixel form). */
    private static void combine(float[] t, float[] b, float a0, float a1, float[] out, int at, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length())
            FloatVector.fromArray(S, t, i).mul(a0).add(FloatVector.fromArray(S, b, i).mul(a1)).intoArray(out, at + i);
        for (; i < n; i++) out[at + i] = t[i] * a0 + b[i] * a1;
    }

    /** The two most recent x-interpolated rows of one task, keyed by plane * h + input row. */
    private static final class Cache {
        final float[][] buf;
        final long[] key = {-1, -1};

        Cache(int width) { buf = new float[][] {new float[width], new float[width]}; }

        /** Row `want`, computed from the input row at xa[row] unless cached; never evicts row `keep`. */
        float[] row(long want, long keep, float[] xa, int row, int[] x0, int[] x1, float[] wx0, float[] wx1) {
            if (key[0] == want) return buf[0];
            if (key[1] == want) return buf[1];
            int slot = key[0] == keep ? 1 : 0;
            float[] out = buf[slot];
            for (int ox = 0; ox < out.length; ox++) out[ox] = xa[row + x0[ox]] * wx0[ox] + xa[row + x1[ox]] * wx1[ox];
            key[slot] = want;
            return out;
        }
    }
}
