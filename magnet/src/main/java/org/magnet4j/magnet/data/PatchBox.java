package org.magnet4j.magnet.data;

/** A patch {@code [x0, x1) x [y0, y1)} in pixels of the scale it was cut from. */
public record PatchBox(int x0, int y0, int x1, int y1) {
    public int width() { return x1 - x0; }

    public int height() { return y1 - y0; }

    /**
     * {@code (x0 / W, y0 / H, x1 / W, y1 / H)} in double, as the reference's {@code get_patch_coords} computes them
     * in Python. (The reference then stores them with {@code torch.tensor(coords)}, i.e. float32: see
     * {@link #ratiosFloat32}.)
     */
    public double[] ratios(int scaleW, int scaleH) {
        return new double[] {x0 / (double) scaleW, y0 / (double) scaleH, x1 / (double) scaleW, y1 / (double) scaleH};
    }

    /** {@link #ratios} rounded to float32, the values the reference's inference works with. */
    public float[] ratiosFloat32(int scaleW, int scaleH) {
        double[] r = ratios(scaleW, scaleH);
        return new float[] {(float) r[0], (float) r[1], (float) r[2], (float) r[3]};
    }
}
