package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.Conv2dParams;

/**
 * A 3x3, stride-1, padding-1 float32 convolution by Winograd's F(2x2, 3x3): each 2x2 block of outputs ("tile")
 * comes from a 4x4 block of input as Y = A^T [ (G g G^T) . (B^T d B) ] A, so the products become 16 GEMMs of
 * (out x in channels) x (in channels x tiles) with 16 multiplications per tile instead of 36: 2.25 times fewer
 * FLOPs than the direct GEMM. The transforms are additions over the image, so the method pays only where the
 * channel counts make the GEMMs dominate ({@link #suits}: HRNet-OCR's 3x3 270 -> 512 at 128x256 took 125-145 ms
 * against 254-264 ms direct; 64 -> 64 at the same size took 15.4 ms against 9.0 ms, so small layers stay direct).
 * <p>
 * Layout: the image is split into even and odd padded columns once per row (a two-vector shuffle), after which
 * every transform is contiguous vector arithmetic across 16 neighbouring tiles. Tiles go in chunks of tile rows
 * so that the transformed input V (16 x in x tiles) and the products M (16 x out x tiles) of a chunk stay near
 * the last-level cache.
 * <p>
 * Layers whose width allows 4x4 tiles (a multiple of 64 at AVX-512) take {@link WinogradF4x4} instead, which
 * multiplies 1.8 times less again; this class keeps the rest (ResNet's 256 -> 256 at 32x32 in the FPN).
 * <p>
 * Numerics differ from the direct GEMM in the last bits (sums are regrouped; G has halves, which are exact):
 * on 270 -> 512 channels the largest error against float64 was 2.1e-6 against 1.4e-6 direct (outputs up to 3.8).
 */
final class Winograd3x3 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final VectorShuffle<Float> EVEN = PairShuffles.EVEN, ODD = PairShuffles.ODD, LO = PairShuffles.LO, HI = PairShuffles.HI;
    /** Both channel counts at least this: 144 -> 144 was a tie at 16x32, 270 -> 512 a 1.5x win. */
    static final int MIN_CHANNELS = 192;
    /** Tile rows per chunk: 16 rows of 128 tiles was the fastest of 4, 16 and 64 at 270 -> 512 (160 vs 171-184 ms). */
    private static final int TILES_PER_CHUNK = 2048;
    /** Off with -Dmagnet.winograd=false: every 3x3 convolution then runs as a direct GEMM. */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("magnet.winograd", "true"));

    private Winograd3x3() {}

    /** Whether this path applies and pays for a convolution of c -> co channels over h x w with these parameters. */
    static boolean suits(int c, int co, int h, int w, int kH, int kW, Conv2dParams p) {
        return ENABLED && sameThreeByThree(kH, kW, p) && c >= MIN_CHANNELS && co >= MIN_CHANNELS
                && h % 2 == 0 && w % 2 == 0 && (w / 2) % VL == 0;
    }

    /** A 3x3 kernel at stride 1, padding 1, dilation 1: the only convolution either Winograd path computes. */
    static boolean sameThreeByThree(int kH, int kW, Conv2dParams p) {
        return kH == 3 && kW == 3 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 1 && p.padW() == 1
                && p.dilationH() == 1 && p.dilationW() == 1;
    }

    /**
     * out[outOff + (o h + y) w + x] = conv(x)[o][y][x] for the image of c planes h x w at x[xOff], weights co x c x 3 x 3
     * at w[wOff]; then {@code epilogue} (bias, residual, ReLU; may be null) over each output plane.
     */
    static void conv(float[] x, int xOff, int c, int h, int w, float[] wt, int wOff, int co, float[] out, int outOff,
                     GemmEpilogue epilogue) {
        if (!WARM.getAndSet(true)) warmUp();
        int tw = w / 2, th = h / 2, rows = Math.max(1, Math.min(th, TILES_PER_CHUNK / tw)), chunk = rows * tw;
        PackedA[] packed = WinogradWeights.packed(wt, wOff, co, c, 16, Winograd3x3::transformWeights); // not per chunk of tiles
        float[] v = Scratch.floats(Scratch.WINO_V, 16 * c * chunk), m = Scratch.floats(Scratch.WINO_M, 16 * co * chunk);
        for (int ty0 = 0; ty0 < th; ty0 += rows) {
            int r = Math.min(rows, th - ty0), n = r * tw, t0 = ty0;
            Parallel.forRange(c, 1, (lo, hi) -> {
                float[] eo = Scratch.floats(Scratch.WINO_SPLIT, 2 * (2 * r + 2) * (tw + 1 + VL)); // this thread's rows split even/odd
                for (int ch = lo; ch < hi; ch++) inputTransform(x, xOff + ch * h * w, h, w, t0, r, v, ch, c, n, eo);
            });
            pointGemms(packed, n, v, c, m, co);
            Parallel.forRange(co, 1, (lo, hi) -> {
                for (int o = lo; o < hi; o++) outputTransform(m, o, co, n, tw, t0, r, w, out, outOff + o * h * w);
            });
        }
        applyEpilogue(epilogue, out, outOff, co, h * w);
    }

    /** Below this many multiply-adds per point GEMM, the point GEMMs are split over the pool whole (see pointGemms). */
    private static final long SMALL_POINT_GEMM = 1L << 25;

    /**
     * M[xi] = U[xi] V[xi] for every point xi (co x c times c x n, one after another in v and m). Small products run whole,
     * one per thread at a time (nested, each serial): no fork and join per product and each B packed once, not once per
     * block of rows (FPN's 256 -> 256 at 32x32, 16 products of 256 x 256 x 256: 17.2-17.5 ms a forward for its six
     * calls against 18.5-18.6, alternated). Large ones keep the pool on each product in turn (HRNet-OCR's 270 -> 512, 36 of
     * 512 x 512 x 270 per chunk: 89.8-94.9 ms that way against 94.3-98.1). Same sums either way: the same bits.
     */
    static void pointGemms(PackedA[] packed, int n, float[] v, int c, float[] m, int co) {
        Parallel.RangeBody points = (lo, hi) -> {
            for (int xi = lo; xi < hi; xi++) Gemm.sgemm(packed[xi], n, v, xi * c * n, n, m, xi * co * n, n);
        };
        if ((long) co * n * c < SMALL_POINT_GEMM) Parallel.forRange(packed.length, 1, points);
        else points.run(0, packed.length);
    }

    /** {@code epilogue} (may be null) over co finished output planes of l pixels each, planes split over the pool. */
    static void applyEpilogue(GemmEpilogue epilogue, float[] out, int outOff, int co, int l) {
        if (epilogue != null)
            Parallel.forRange(co, Math.max(1, (1 << 16) / l), (lo, hi) -> epilogue.apply(out, outOff + lo * l, l, lo, hi - lo, l));
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Runs both transforms on one vector-wide row of tiles, over and over, so that C2 compiles them before the first
     * real call: until then the Vector API runs its interpreted fallback, which made the first full-size call
     * (270 -> 512 at 128x256) take 2.4 s instead of 0.6 s (and the second 0.25-0.35 s instead of 0.15 s).
     */
    private static void warmUp() {
        int w = 2 * VL, h = 2, n = VL;
        float[] x = new float[h * w], v = new float[16 * n], m = new float[16 * n], out = new float[h * w];
        float[] eo = new float[2 * 4 * (VL + 1 + VL)];
        for (int i = 0; i < WARM_CALLS; i++) {
            inputTransform(x, 0, h, w, 0, 1, v, 0, 1, n, eo);
            outputTransform(m, 0, 1, n, VL, 0, 1, w, out, 0);
        }
    }

    /** Enough tiny calls for C2 (6,000 to 30,000 all brought the first call down to 0.6-0.75 s). */
    private static final int WARM_CALLS = 10_000;

    /**
     * U = G g G^T of every (out, in) pair, as 16 matrices co x c: U[xi][o][i] at u[(xi co + o) c + i], with
     * G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]. Vectorised across input channels as {@link WinogradF4x4#transformWeights}
     * is: each output channel's taps laid out tap-major (zero-padded to whole vectors), G applied down the columns,
     * then across the rows, then each of the 16 results copied into its matrix. One scalar pair at a time, with 16
     * scattered stores per pair, it took 1.6 ms of a 4.6 ms 256 -> 256 convolution at 32x32 (ResNet-50's layer3,
     * six times per FPN forward). Same operations in the same order per element: the same bits.
     */
    static void transformWeights(float[] w, int wOff, int co, int c, float[] u) {
        int cp = (c + VL - 1) / VL * VL;
        Parallel.forRange(co, Math.max(1, 4096 / Math.max(1, c)), (lo, hi) -> {
            float[] s = Scratch.floats(Scratch.WINO_SPLIT, 9 * cp + 12 * cp + 16 * cp);
            int taps = 0, gg = 9 * cp, res = 21 * cp;
            java.util.Arrays.fill(s, 0, 9 * cp, 0f); // lanes past c stay zero
            for (int o = lo; o < hi; o++) {
                for (int i = 0; i < c; i++) {
                    int g = wOff + (o * c + i) * 9;
                    for (int k = 0; k < 9; k++) s[taps + k * cp + i] = w[g + k];
                }
                for (int i = 0; i < cp; i += VL) {
                    for (int col = 0; col < 3; col++) gTimes(s, taps + col * cp + i, 3 * cp, s, gg + col * cp + i, 3 * cp); // G g, 4 x 3
                    for (int row = 0; row < 4; row++) gTimes(s, gg + 3 * row * cp + i, cp, s, res + 4 * row * cp + i, cp); // (G g) G^T
                }
                for (int xi = 0; xi < 16; xi++) System.arraycopy(s, res + xi * cp, u, (xi * co + o) * c, c);
            }
        });
    }

    /** Four vectors G (g0, g1, g2) = (g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2) from three at src + k sStep into dst + k dStep. */
    private static void gTimes(float[] src, int s0, int sStep, float[] dst, int d0, int dStep) {
        FloatVector g0 = FloatVector.fromArray(S, src, s0), g1 = FloatVector.fromArray(S, src, s0 + sStep);
        FloatVector g2 = FloatVector.fromArray(S, src, s0 + 2 * sStep);
        g0.intoArray(dst, d0);
        g0.add(g1).add(g2).mul(0.5f).intoArray(dst, d0 + dStep);
        g0.sub(g1).add(g2).mul(0.5f).intoArray(dst, d0 + 2 * dStep);
        g2.intoArray(dst, d0 + 3 * dStep);
    }

    /**
     * Channel ch, tile rows [ty0, ty0 + r) of the chunk: V[xi][ch][tile] = (B^T d B)[xi] with
     * B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]. Input rows 2 ty0 - 1 .. 2 (ty0 + r) (zero outside) are first
     * split into E (padded columns 0, 2, .., w: input columns -1, 1, .., w - 1) and O (padded columns 1, 3, ..,
     * w + 1: input columns 0, 2, .., w): tile tx reads E[tx], O[tx], E[tx + 1], O[tx + 1].
     */
    private static void inputTransform(float[] x, int xOff, int h, int w, int ty0, int r, float[] v, int ch, int c, int n, float[] eo) {
        int tw = w / 2, rowsIn = 2 * r + 2, stride = tw + 1 + VL, oBase = rowsIn * stride;
        for (int k = 0; k < rowsIn; k++) {
            int y = 2 * ty0 - 1 + k, e = k * stride, o = oBase + k * stride;
            if (y < 0 || y >= h) {
                java.util.Arrays.fill(eo, e, e + tw + 1, 0f);
                java.util.Arrays.fill(eo, o, o + tw + 1, 0f);
                continue;
            }
            int src = xOff + y * w;
            eo[e] = 0f;
            for (int q = 0; q < tw; q += VL) {
                FloatVector a = FloatVector.fromArray(S, x, src + 2 * q), b = FloatVector.fromArray(S, x, src + 2 * q + VL);
                a.rearrange(ODD, b).intoArray(eo, e + 1 + q); // input columns 2q + 1 .. : E[q + 1 ..]
                a.rearrange(EVEN, b).intoArray(eo, o + q);    // input columns 2q .. : O[q ..]
            }
            eo[o + tw] = 0f;
        }
        int plane = c * n;
        // Straight-line vector code throughout: vectors returned from a switch, merged after a branch or passed to a
        // helper that C2 did not inline were boxed (457 MB of garbage per 270 -> 512 convolution).
        for (int tr = 0; tr < r; tr++) {
            int e = 2 * tr * stride, o = oBase + e;
            for (int q = 0; q < tw; q += VL) {
                int at = ch * n + tr * tw + q;
                // the tile's columns: E[q], O[q], E[q + 1], O[q + 1]; rows 0..3 of each
                FloatVector a0 = FloatVector.fromArray(S, eo, e + q), a1 = FloatVector.fromArray(S, eo, e + q + stride);
                FloatVector a2 = FloatVector.fromArray(S, eo, e + q + 2 * stride), a3 = FloatVector.fromArray(S, eo, e + q + 3 * stride);
                FloatVector b0 = FloatVector.fromArray(S, eo, o + q), b1 = FloatVector.fromArray(S, eo, o + q + stride);
                FloatVector b2 = FloatVector.fromArray(S, eo, o + q + 2 * stride), b3 = FloatVector.fromArray(S, eo, o + q + 3 * stride);
                FloatVector c0 = FloatVector.fromArray(S, eo, e + q + 1), c1 = FloatVector.fromArray(S, eo, e + q + 1 + stride);
                FloatVector c2 = FloatVector.fromArray(S, eo, e + q + 1 + 2 * stride), c3 = FloatVector.fromArray(S, eo, e + q + 1 + 3 * stride);
                FloatVector d0 = FloatVector.fromArray(S, eo, o + q + 1), d1 = FloatVector.fromArray(S, eo, o + q + 1 + stride);
                FloatVector d2 = FloatVector.fromArray(S, eo, o + q + 1 + 2 * stride), d3 = FloatVector.fromArray(S, eo, o + q + 1 + 3 * stride);
                // row j of B^T d (X0 - X2, X1 + X2, X2 - X1, X1 - X3 for each column X), then (x0 - x2, x1 + x2, x2 - x1,
                // x1 - x3) across the columns
                FloatVector x0 = a0.sub(a2), x1 = b0.sub(b2), x2 = c0.sub(c2), x3 = d0.sub(d2);
                x0.sub(x2).intoArray(v, at);
                x1.add(x2).intoArray(v, at + plane);
                x2.sub(x1).intoArray(v, at + 2 * plane);
                x1.sub(x3).intoArray(v, at + 3 * plane);
                x0 = a1.add(a2); x1 = b1.add(b2); x2 = c1.add(c2); x3 = d1.add(d2);
                x0.sub(x2).intoArray(v, at + 4 * plane);
                x1.add(x2).intoArray(v, at + 4 * plane + plane);
                x2.sub(x1).intoArray(v, at + 4 * plane + 2 * plane);
                x1.sub(x3).intoArray(v, at + 4 * plane + 3 * plane);
                x0 = a2.sub(a1); x1 = b2.sub(b1); x2 = c2.sub(c1); x3 = d2.sub(d1);
                x0.sub(x2).intoArray(v, at + 8 * plane);
                x1.add(x2).intoArray(v, at + 8 * plane + plane);
                x2.sub(x1).intoArray(v, at + 8 * plane + 2 * plane);
                x1.sub(x3).intoArray(v, at + 8 * plane + 3 * plane);
                x0 = a1.sub(a3); x1 = b1.sub(b3); x2 = c1.sub(c3); x3 = d1.sub(d3);
                x0.sub(x2).intoArray(v, at + 12 * plane);
                x1.add(x2).intoArray(v, at + 12 * plane + plane);
                x2.sub(x1).intoArray(v, at + 12 * plane + 2 * plane);
                x1.sub(x3).intoArray(v, at + 12 * plane + 3 * plane);
            }
        }
    }

    /** Y = A^T M A with A^T = [1 1 1 0; 0 1 -1 -1] for output channel o, written as 2 x 2 pixels per tile. */
    private static void outputTransform(float[] m, int o, int co, int n, int tw, int ty0, int r, int w, float[] out, int outOff) {
        int plane = co * n;
        for (int tr = 0; tr < r; tr++)
            for (int q = 0; q < tw; q += VL) {
                int at = o * n + tr * tw + q;
                // s_i = row i of M A (s_i0: m0 + m1 + m2, s_i1: m1 - m2 - m3); y0 = s_0 + s_1 + s_2, y1 = s_1 - s_2 - s_3
                int p1 = at + 4 * plane, p2 = at + 8 * plane, p3 = at + 12 * plane;
                FloatVector m00 = FloatVector.fromArray(S, m, at), m01 = FloatVector.fromArray(S, m, at + plane);
                FloatVector m02 = FloatVector.fromArray(S, m, at + 2 * plane), m03 = FloatVector.fromArray(S, m, at + 3 * plane);
                FloatVector s00 = m00.add(m01).add(m02), s01 = m01.sub(m02).sub(m03);
                FloatVector m10 = FloatVector.fromArray(S, m, p1), m11 = FloatVector.fromArray(S, m, p1 + plane);
                FloatVector m12 = FloatVector.fromArray(S, m, p1 + 2 * plane), m13 = FloatVector.fromArray(S, m, p1 + 3 * plane);
                FloatVector s10 = m10.add(m11).add(m12), s11 = m11.sub(m12).sub(m13);
                FloatVector m20 = FloatVector.fromArray(S, m, p2), m21 = FloatVector.fromArray(S, m, p2 + plane);
                FloatVector m22 = FloatVector.fromArray(S, m, p2 + 2 * plane), m23 = FloatVector.fromArray(S, m, p2 + 3 * plane);
                FloatVector s20 = m20.add(m21).add(m22), s21 = m21.sub(m22).sub(m23);
                FloatVector m30 = FloatVector.fromArray(S, m, p3), m31 = FloatVector.fromArray(S, m, p3 + plane);
                FloatVector m32 = FloatVector.fromArray(S, m, p3 + 2 * plane), m33 = FloatVector.fromArray(S, m, p3 + 3 * plane);
                FloatVector s30 = m30.add(m31).add(m32), s31 = m31.sub(m32).sub(m33);
                FloatVector y00 = s00.add(s10).add(s20), y01 = s01.add(s11).add(s21);
                FloatVector y10 = s10.sub(s20).sub(s30), y11 = s11.sub(s21).sub(s31);
                int row0 = outOff + 2 * (ty0 + tr) * w + 2 * q, row1 = row0 + w;
                y00.rearrange(LO, y01).intoArray(out, row0);
                y00.rearrange(HI, y01).intoArray(out, row0 + VL);
                y10.rearrange(LO, y11).intoArray(out, row1);
                y10.rearrange(HI, y11).intoArray(out, row1 + VL);
            }
    }
}
