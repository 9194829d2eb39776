package org.magnet4j.magnet.data;

/**
 * OpenCV's {@code cv2.resize} for 8-bit images, bit for bit (OpenCV 4.x, no IPP/HAL, as Debian builds it):
 * <ul>
 * <li>{@link #linear}: {@code INTER_LINEAR}. Half-pixel centres {@code fx = (float)((dx + 0.5) * scale - 0.5)},
 * {@code sx = floor(fx)}, {@code fx -= sx} in float; left/right borders clamp ({@code sx < 0} gives sx = 0,
 * fx = 0; {@code sx >= W - 1} gives sx = W - 1, fx = 0); coefficients {@code saturate_cast<short>(w * 2048)}
 * (round half to even). The horizontal pass writes {@code S[sx] * a0 + S[sx + 1] * a1} into ints; the vertical
 * pass rounds as {@code VResizeLinear<uchar, int, short, FixedPtCast<..., 22>>}:
 * {@code (((b0 * (S0 >> 4)) >> 16) + ((b1 * (S1 >> 4)) >> 16) + 2) >> 2}. Rows are clamped (not the vertical
 * weights: a row above the top uses row 0 with the unclamped weights, as OpenCV does).
 * An exact 2x downscale is sent by OpenCV to {@code resizeAreaFast} ({@code (a + b + c + d + 2) >> 2}); the
 * fixed-point linear path gives the same bytes there, so no special case is needed. Equal sizes copy.
 * <li>{@link #nearest}: {@code INTER_NEAREST}: {@code sx = min(floor(dx * (1.0 / (dW / (double) sW))), sW - 1)}.
 * </ul>
 * Verified against {@code cv2.resize} (opencv 4.6.0) in {@code ResizeTest} from digests written by
 * {@code magnet/src/test/python/make_resize_refs.py}.
 */
public final class Resize {
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private Resize() {}

    public static RgbImage linear(RgbImage src, int width, int height) {
        return new RgbImage(width, height, linear(src.rgb(), src.width(), src.height(), 3, width, height));
    }

    public static GrayImage linear(GrayImage src, int width, int height) {
        return new GrayImage(width, height, linear(src.data(), src.width(), src.height(), 1, width, height));
    }

    public static RgbImage nearest(RgbImage src, int width, int height) {
        return new RgbImage(width, height, nearest(src.rgb(), src.width(), src.height(), 3, width, height));
    }

    public static GrayImage nearest(GrayImage src, int width, int height) {
        return new GrayImage(width, height, nearest(src.data(), src.width(), src.height(), 1, width, height));
    }

    /** {@code cv2.resize(src, (dw, dh), interpolation=INTER_LINEAR)} on an interleaved 8-bit image with {@code cn} channels. */
    public static byte[] linear(byte[] src, int sw, int sh, int cn, int dw, int dh) {
        check(src, sw, sh, cn, dw, dh);
        if (sw == dw && sh == dh) return src.clone();
        double scaleX = 1.0 / ((double) dw / sw), scaleY = 1.0 / ((double) dh / sh);

        int[] xofs = new int[dw];
        int[] alpha = new int[dw * 2];
        for (int dx = 0; dx < dw; dx++) {
            float fx = (float) ((dx + 0.5) * scaleX - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) { fx = 0; sx = 0; }
            if (sx >= sw - 1) { fx = 0; sx = sw - 1; }
            xofs[dx] = sx;
            alpha[dx * 2] = coef(1.f - fx);
            alpha[dx * 2 + 1] = coef(fx);
        }
        int[] yofs = new int[dh];
        int[] beta = new int[dh * 2];
        for (int dy = 0; dy < dh; dy++) {
            float fy = (float) ((dy + 0.5) * scaleY - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            yofs[dy] = sy;
            beta[dy * 2] = coef(1.f - fy);
            beta[dy * 2 + 1] = coef(fy);
        }

        int rowLen = dw * cn;
        int[] row0 = new int[rowLen], row1 = new int[rowLen];
        int have0 = -1, have1 = -1;
        byte[] dst = new byte[dh * rowLen];
        for (int dy = 0; dy < dh; dy++) {
            int sy0 = clamp(yofs[dy], sh), sy1 = clamp(yofs[dy] + 1, sh);
            if (sy0 == have1) { int[] t = row0; row0 = row1; row1 = t; have0 = have1; have1 = -1; }
            if (sy0 != have0) { hresize(src, sy0, sw, cn, xofs, alpha, row0); have0 = sy0; }
            if (sy1 != have1) {
                if (sy1 == have0) System.arraycopy(row0, 0, row1, 0, rowLen);
                else hresize(src, sy1, sw, cn, xofs, alpha, row1);
                have1 = sy1;
            }
            int b0 = beta[dy * 2], b1 = beta[dy * 2 + 1];
            int o = dy * rowLen;
            for (int x = 0; x < rowLen; x++)
                dst[o + x] = (byte) ((((b0 * (row0[x] >> 4)) >> 16) + ((b1 * (row1[x] >> 4)) >> 16) + 2) >> 2);
        }
        return dst;
    }

    private static void hresize(byte[] src, int sy, int sw, int cn, int[] xofs, int[] alpha, int[] out) {
        int base = sy * sw * cn;
        int dw = xofs.length;
        for (int dx = 0; dx < dw; dx++) {
            int sx = xofs[dx];
            int a0 = alpha[dx * 2], a1 = alpha[dx * 2 + 1];
            int s = base + sx * cn, o = dx * cn;
            if (sx + 1 < sw) {
                for (int k = 0; k < cn; k++) out[o + k] = (src[s + k] & 0xFF) * a0 + (src[s + cn + k] & 0xFF) * a1;
            } else {
                for (int k = 0; k < cn; k++) out[o + k] = (src[s + k] & 0xFF) * COEF_SCALE;
            }
        }
    }

    /** {@code saturate_cast<short>(w * INTER_RESIZE_COEF_SCALE)}: float product, round half to even. */
    private static int coef(float w) {
        double v = Math.rint(w * (float) COEF_SCALE);
        return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    private static int clamp(int v, int n) { return v < 0 ? 0 : (v >= n ? n - 1 : v); }

    /** {@code cv2.resize(src, (dw, dh), interpolation=INTER_NEAREST)} on an interleaved 8-bit image with {@code cn} channels. */
    public static byte[] nearest(byte[] src, int sw, int sh, int cn, int dw, int dh) {
        check(src, sw, sh, cn, dw, dh);
        double ifx = 1.0 / ((double) dw / sw), ify = 1.0 / ((double) dh / sh);
        int[] xofs = new int[dw];
        for (int dx = 0; dx < dw; dx++) xofs[dx] = Math.min((int) Math.floor(dx * ifx), sw - 1) * cn;
        byte[] dst = new byte[dw * dh * cn];
        for (int dy = 0; dy < dh; dy++) {
            int sy = Math.min((int) Math.floor(dy * ify), sh - 1);
            int s = sy * sw * cn, o = dy * dw * cn;
            for (int dx = 0; dx < dw; dx++, o += cn)
                for (int k = 0; k < cn; k++) dst[o + k] = src[s + xofs[dx] + k];
        }
        return dst;
    }

    private static void check(byte[] src, int sw, int sh, int cn, int dw, int dh) {
        if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || cn <= 0)
            throw new IllegalArgumentException("resize: sizes must be positive, got " + sw + "x" + sh + "x" + cn + " -> " + dw + "x" + dh);
        if ((long) sw * sh * cn != src.length)
            throw new IllegalArgumentException("resize: " + sw + "x" + sh + "x" + cn + " needs " + (long) sw * sh * cn + " bytes, got " + src.length);
    }
}
