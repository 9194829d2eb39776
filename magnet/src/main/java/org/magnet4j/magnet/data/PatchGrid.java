package org.magnet4j.magnet.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's patch grid at one scale ({@code Patching} / {@code get_patch_coords}):
 * {@code n_x = ceil(W / crop_w)}, {@code step_x = int(crop_w - (n_x * crop_w - W) / max(n_x - 1, 1))} (double
 * division, truncation toward zero), the same for y, patches enumerated x-major
 * ({@code for x: for y:}), box {@code (x * step_x, y * step_y, x * step_x + crop_w, y * step_y + crop_h)}.
 */
public final class PatchGrid {
    private PatchGrid() {}

    public static int count(int size, int crop) {
        check(size, crop);
        return (int) Math.ceil(size / (double) crop);
    }

    public static int step(int size, int crop) {
        int n = count(size, crop);
        return (int) (crop - (n * (double) crop - size) / Math.max(n - 1, 1.0));
    }

    /** Every patch box of a {@code scaleW x scaleH} image cut into {@code cropW x cropH} crops, x-major. */
    public static List<PatchBox> boxes(int scaleW, int scaleH, int cropW, int cropH) {
        int nx = count(scaleW, cropW), ny = count(scaleH, cropH);
        int sx = step(scaleW, cropW), sy = step(scaleH, cropH);
        List<PatchBox> out = new ArrayList<>(nx * ny);
        for (int x = 0; x < nx; x++)
            for (int y = 0; y < ny; y++) out.add(new PatchBox(x * sx, y * sy, x * sx + cropW, y * sy + cropH));
        return out;
    }

    /** The boxes as ratios of the scale, one {@code [x0, y0, x1, y1]} row per patch (double). */
    public static double[][] ratios(int scaleW, int scaleH, int cropW, int cropH) {
        List<PatchBox> b = boxes(scaleW, scaleH, cropW, cropH);
        double[][] out = new double[b.size()][];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i).ratios(scaleW, scaleH);
        return out;
    }

    private static void check(int size, int crop) {
        if (size <= 0 || crop <= 0) throw new IllegalArgumentException("patch grid: sizes must be positive, got size " + size + ", crop " + crop);
    }
}
