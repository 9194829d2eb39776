package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.magnet4j.tensor.Conv2dParams;

/**
 * A 3x3, stride-1, padding-1 float32 convolution by Winograd's F(4x4, 3x3): each 4x4 block of outputs ("tile")
 * comes from a 6x6 block of input as Y = A^T [ (G g G^T) . (B^T d B) ] A, so the products become 36 GEMMs of
 * (out x in channels) x (in channels x tiles): 36 multiplications per 16 outputs instead of 144, four times fewer
 * FLOPs than the direct GEMM and 1.8 times fewer than {@link Winograd3x3}'s F(2x2, 3x3). It takes the layers wide
 * enough for it to pay ({@link #MIN_CHANNELS}) whose width is a multiple of 4 vectors' worth of tiles; the others
 * keep F(2x2, 3x3) where that applies, or the direct GEMM.
 * <p>
 * Layout: each padded input row is split once into its four column phases (column mod 4, two rounds of two-vector
 * shuffles), after which a tile's six columns are the phases at tile index t and t + 1, and every transform is
 * contiguous vector arithmetic across 16 neighbouring tiles. Each transform runs in two passes through a small
 * per-thread buffer (rows, then columns), six vectors in and six (or four) out per call: few live registers and no
 * vector crosses a method boundary (C2 boxes vectors that do).
 * <p>
 * Numerics: the points 0, +-1, +-2 make G carry sixths and twenty-fourths and A^T powers of two up to 8, so the
 * error grows beyond F(2x2, 3x3)'s; {@code WinogradTest} measures both against float64 and pins the bound.
 */
final class WinogradF4x4 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final VectorShuffle<Float> EVEN = PairShuffles.EVEN, ODD = PairShuffles.ODD, LO = PairShuffles.LO, HI = PairShuffles.HI;
    /** Tiles per chunk: V (36 x in x tiles) and M (36 x out x tiles) of a chunk stay near the last-level cache. */
    private static final int TILES_PER_CHUNK = 512;

    private WinogradF4x4() {}

    /** Off with -Dmagnet.winograd=f2 (F(2x2, 3x3) only) or -Dmagnet.winograd=false (no Winograd at all). */
    static final boolean ENABLED = Winograd3x3.ENABLED && !"f2".equalsIgnoreCase(System.getProperty("magnet.winograd", ""));

    /**
     * Both channel counts at least this (lower than F(2x2, 3x3)'s 192: fewer multiplications pay sooner). Measured
     * 2026-12-01, alternated JVMs, conv + bias + ReLU against the direct GEMM: 128 -> 128 at 64x64 (ResNet-50's
     * layer2 in the FPN) 3.3-3.4 ms against 5.2-5.9; at 64x128 5.4-6.1 against 8.9-9.7; 144 -> 144 at 32x64 2.1-2.4
     * against 2.7-3.2. Below it the 36 small GEMMs and the transforms' traffic eat the gain: 64 -> 64 at 128x256
     * 9.3-9.6 ms against 9.8-11.1, 72 -> 72 at 32x64 a tie, 18 -> 18 at 128x256 1.4-1.7 ms against 1.0-1.1, and
     * 256 -> 18 at 128x256 (few outputs) 21-23 ms against 16-19. Tried and dropped on the Xeon with the 12-row GEMM
     * kernel (2026-12-01): 64 channels when the smaller channel count times the tiles reaches 64 x 256. Alone, 64 -> 64
     * at 128x256 took 4.9 ms against 7.4 direct and at 127x127 2.8 against 3.6, but in the models (alternated, three
     * runs each) HRNet's forward gained 2-3% and the FPN's lost 3%: not worth the larger error.
     */
    static final int MIN_CHANNELS = 128;

    /** Whether this path applies to a convolution of c -> co channels over h x w with these parameters. */
    static boolean suits(int c, int co, int h, int w, int kH, int kW, Conv2dParams p) {
        return ENABLED && Winograd3x3.sameThreeByThree(kH, kW, p) && c >= MIN_CHANNELS && co >= MIN_CHANNELS
                && 8L * tiledHeight(h) * tiledWidth(w) <= 9L * h * w;
    }

    /**
     * The image as the tiles cover it: height a multiple of 4, width a multiple of 4 vectors' worth of tiles. A
     * smaller image is zero-extended at the bottom and right (the zeros a 3x3 padding-1 convolution reads there
     * anyway) and the extra outputs dropped, when that adds at most an eighth: the FPN head's 3x3 256 -> 256 and
     * 256 -> 128 at 127x127 (computed at 128x128) took 58 and 31 ms as direct GEMMs.
     */
    static int tiledHeight(int h) { return (h + 3) / 4 * 4; }

    static int tiledWidth(int w) { return (w + 4 * VL - 1) / (4 * VL) * (4 * VL); }

    /** As {@link Winograd3x3#conv}: out = conv(x) for c planes h x w, weights co x c x 3 x 3, then the epilogue. */
    static void conv(float[] x, int xOff, int c, int h, int w, float[] wt, int wOff, int co, float[] out, int outOff,
                     GemmEpilogue epilogue) {
        int th = tiledHeight(h), tw = tiledWidth(w);
        if (th == h && tw == w) {
            convTiled(x, xOff, c, h, w, wt, wOff, co, out, outOff);
        } else { // zero-extended copy in, the h x w corner of each output plane out
            float[] xt = Scratch.floats(Scratch.WINO_IN, Math.multiplyExact(c, th * tw));
            Parallel.forRange(c, 1, (lo, hi) -> {
                for (int ch = lo; ch < hi; ch++) {
                    int dst = ch * th * tw;
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(x, xOff + (ch * h + y) * w, xt, dst + y * tw, w);
                        java.util.Arrays.fill(xt, dst + y * tw + w, dst + (y + 1) * tw, 0f);
                    }
                    java.util.Arrays.fill(xt, dst + h * tw, dst + th * tw, 0f);
                }
            });
            float[] ot = Scratch.floats(Scratch.WINO_OUT, Math.multiplyExact(co, th * tw));
            convTiled(xt, 0, c, th, tw, wt, wOff, co, ot, 0);
            Parallel.forRange(co, 1, (lo, hi) -> {
                for (int o = lo; o < hi; o++)
                    for (int y = 0; y < h; y++) System.arraycopy(ot, (o * th + y) * tw, out, outOff + (o * h + y) * w, w);
            });
        }
        Winograd3x3.applyEpilogue(epilogue, out, outOff, co, h * w);
    }

    /** out = conv(x) for an image whose height is a multiple of 4 and width of 4 VL (no epilogue). */
    private static void convTiled(float[] x, int xOff, int c, int h, int w, float[] wt, int wOff, int co, float[] out, int outOff) {
        if (!WARM.getAndSet(true)) warmUp();
        int tw = w / 4, th = h / 4, rows = Math.max(1, Math.min(th, TILES_PER_CHUNK / tw)), chunk = rows * tw;
        PackedA[] packed = WinogradWeights.packed(wt, wOff, co, c, 36, WinogradF4x4::transformWeights); // not per chunk of tiles
        float[] v = Scratch.floats(Scratch.WINO_V, 36 * c * chunk), m = Scratch.floats(Scratch.WINO_M, 36 * co * chunk);
        for (int ty0 = 0; ty0 < th; ty0 += rows) {
            int r = Math.min(rows, th - ty0), n = r * tw, t0 = ty0;
            Parallel.forRange(c, 1, (lo, hi) -> {
                float[] buf = Scratch.floats(Scratch.WINO_SPLIT, splitSize(r, tw) + 36 * VL);
                for (int ch = lo; ch < hi; ch++) inputTransform(x, xOff + ch * h * w, h, w, t0, r, v, ch, c, n, buf);
            });
            Winograd3x3.pointGemms(packed, n, v, c, m, co);
            Parallel.forRange(co, 1, (lo, hi) -> {
                float[] tmp = Scratch.floats(Scratch.WINO_SPLIT, 36 * VL);
                for (int o = lo; o < hi; o++) outputTransform(m, o, co, n, tw, t0, r, w, out, outOff + o * h * w, tmp);
            });
        }
    }

    /** Floats of one thread's phase split: 4 phases x (4 r + 2) rows x (tw + 1 + VL) (slack for the t + 1 reads). */
    private static int splitSize(int r, int tw) { return 4 * (4 * r + 2) * (tw + 1 + VL); }

    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    /** As {@link Winograd3x3}'s warm-up: C2 compiles the transforms on tiny tiles before the first real call. */
    private static void warmUp() {
        int w = 4 * VL, h = 4, n = VL;
        float[] x = new float[h * w], v = new float[36 * n], m = new float[36 * n], out = new float[h * w];
        float[] buf = new float[splitSize(1, VL) + 36 * VL];
        for (int i = 0; i < WARM_CALLS; i++) {
            inputTransform(x, 0, h, w, 0, 1, v, 0, 1, n, buf);
            outputTransform(m, 0, 1, n, VL, 0, 1, w, out, 0, buf);
        }
        transformWeights(new float[9 * VL], 0, 1, VL, new float[36 * VL]);
    }

    private static final int WARM_CALLS = 10_000;

    /**
     * U = G g G^T of every (out, in) pair as 36 matrices co x c: U[xi][o][i] at u[(xi co + o) c + i], with
     * G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]. Vectorised across input
     * channels: each output channel's 3x3 taps are first laid out tap-major (zero-padded to whole vectors).
     */
    static void transformWeights(float[] w, int wOff, int co, int c, float[] u) {
        int cp = (c + VL - 1) / VL * VL;
        Parallel.forRange(co, Math.max(1, 4096 / Math.max(1, c)), (lo, hi) -> {
            float[] s = Scratch.floats(Scratch.WINO_SPLIT, 9 * cp + 18 * cp + 36 * cp);
            int taps = 0, gg = 9 * cp, res = 27 * cp;
            java.util.Arrays.fill(s, 0, 9 * cp, 0f);
            for (int o = lo; o < hi; o++) {
                for (int i = 0; i < c; i++) {
                    int g = wOff + (o * c + i) * 9;
                    for (int k = 0; k < 9; k++) s[taps + k * cp + i] = w[g + k];
                }
                for (int i = 0; i < cp; i += VL) {
                    for (int col = 0; col < 3; col++) gTimes(s, taps + col * cp + i, 3 * cp, s, gg + col * cp + i, 3 * cp); // G g
                    for (int row = 0; row < 6; row++) gTimes(s, gg + 3 * row * cp + i, cp, s, res + 6 * row * cp + i, cp); // (G g) G^T
                }
                for (int xi = 0; xi < 36; xi++) System.arraycopy(s, res + xi * cp, u, (xi * co + o) * c, c);
            }
        });
    }

    /** Six vectors G (g0, g1, g2) from three at src + k sStep into dst + k dStep. */
    private static void gTimes(float[] src, int s0, int sStep, float[] dst, int d0, int dStep) {
        FloatVector g0 = FloatVector.fromArray(S, src, s0), g1 = FloatVector.fromArray(S, src, s0 + sStep);
        FloatVector g2 = FloatVector.fromArray(S, src, s0 + 2 * sStep);
        FloatVector even = g0.add(g2);
        g0.mul(0.25f).intoArray(dst, d0);
        even.add(g1).mul(-1f / 6).intoArray(dst, d0 + dStep);
        even.sub(g1).mul(-1f / 6).intoArray(dst, d0 + 2 * dStep);
        FloatVector a = g0.mul(1f / 24).add(g2.mul(1f / 6)), b = g1.mul(1f / 12);
        a.add(b).intoArray(dst, d0 + 3 * dStep);
        a.sub(b).intoArray(dst, d0 + 4 * dStep);
        g2.intoArray(dst, d0 + 5 * dStep);
    }

    /**
     * Channel ch, tile rows [ty0, ty0 + r) of the chunk: V[xi][ch][tile] = (B^T d B)[xi]. Input rows 4 ty0 - 1 ..
     * 4 (ty0 + r) are first split into phases P_s[t] = padded column 4 t + s (input column 4 t + s - 1, zero outside):
     * tile t reads P_0[t], P_1[t], P_2[t], P_3[t], P_0[t + 1], P_1[t + 1].
     */
    private static void inputTransform(float[] x, int xOff, int h, int w, int ty0, int r, float[] v, int ch, int c, int n,
                                       float[] buf) {
        int tw = w / 4, rowsIn = 4 * r + 2, stride = tw + 1 + VL, phase = rowsIn * stride, tmp = 4 * phase;
        for (int k = 0; k < rowsIn; k++) {
            int y = 4 * ty0 - 1 + k, p0 = k * stride, p1 = p0 + phase, p2 = p1 + phase, p3 = p2 + phase;
            if (y < 0 || y >= h) {
                for (int s = 0; s < 4; s++) java.util.Arrays.fill(buf, p0 + s * phase, p0 + s * phase + tw + 1, 0f);
                continue;
            }
            int src = xOff + y * w;
            buf[p0] = 0f;
            for (int q = 0; q < tw; q += VL) { // input columns 4q .. 4q + 4 VL - 1 into the four phases
                int at = src + 4 * q;
                FloatVector x0 = FloatVector.fromArray(S, x, at), x1 = FloatVector.fromArray(S, x, at + VL);
                FloatVector x2 = FloatVector.fromArray(S, x, at + 2 * VL), x3 = FloatVector.fromArray(S, x, at + 3 * VL);
                FloatVector e01 = x0.rearrange(EVEN, x1), o01 = x0.rearrange(ODD, x1);
                FloatVector e23 = x2.rearrange(EVEN, x3), o23 = x2.rearrange(ODD, x3);
                e01.rearrange(EVEN, e23).intoArray(buf, p1 + q);     // input 4t:     P_1[t]
                o01.rearrange(EVEN, o23).intoArray(buf, p2 + q);     // input 4t + 1: P_2[t]
                e01.rearrange(ODD, e23).intoArray(buf, p3 + q);      // input 4t + 2: P_3[t]
                o01.rearrange(ODD, o23).intoArray(buf, p0 + q + 1);  // input 4t + 3: P_0[t + 1]
            }
            buf[p1 + tw] = 0f; // the right padding column
        }
        int plane = c * n;
        for (int tr = 0; tr < r; tr++) {
            int row0 = 4 * tr * stride;
            for (int q = 0; q < tw; q += VL) {
                for (int j = 0; j < 6; j++) // column j of the 6x6 tiles: B^T over its six rows, into row-major tmp
                    bTransposeTimes(buf, (j % 4) * phase + row0 + q + j / 4, stride, buf, tmp + j * VL, 6 * VL);
                int at = ch * n + tr * tw + q;
                for (int i = 0; i < 6; i++) // row i of B^T d: B^T across its six columns, into V[6 i .. 6 i + 5]
                    bTransposeTimes(buf, tmp + 6 * i * VL, VL, v, at + 6 * i * plane, plane);
            }
        }
    }

    /**
     * Six vectors B^T (d0 .. d5) from src + k sStep into dst + k dStep, B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0;
     * 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1].
     */
    private static void bTransposeTimes(float[] src, int s0, int sStep, float[] dst, int d0, int dStep) {
        FloatVector d0v = FloatVector.fromArray(S, src, s0), d1 = FloatVector.fromArray(S, src, s0 + sStep);
        FloatVector d2 = FloatVector.fromArray(S, src, s0 + 2 * sStep), d3 = FloatVector.fromArray(S, src, s0 + 3 * sStep);
        FloatVector d4 = FloatVector.fromArray(S, src, s0 + 4 * sStep), d5 = FloatVector.fromArray(S, src, s0 + 5 * sStep);
        d0v.mul(4f).add(d4).sub(d2.mul(5f)).intoArray(dst, d0);
        FloatVector s34 = d3.add(d4), s12 = d1.add(d2);
        s34.sub(s12.mul(4f)).intoArray(dst, d0 + dStep);
        FloatVector t43 = d4.sub(d3), t12 = d1.sub(d2);
        t43.add(t12.mul(4f)).intoArray(dst, d0 + 2 * dStep);
        FloatVector t42 = d4.sub(d2), t13 = d1.sub(d3).mul(2f);
        t42.sub(t13).intoArray(dst, d0 + 3 * dStep);
        t42.add(t13).intoArray(dst, d0 + 4 * dStep);
        d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(dst, d0 + 5 * dStep);
    }

    /**
     * Y = A^T M A with A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1] for output channel o, written as
     * 4 x 4 pixels per tile.
     */
    private static void outputTransform(float[] m, int o, int co, int n, int tw, int ty0, int r, int w, float[] out,
                                        int outOff, float[] tmp) {
        int plane = co * n;
        for (int tr = 0; tr < r; tr++)
            for (int q = 0; q < tw; q += VL) {
                int at = o * n + tr * tw + q;
                for (int j = 0; j < 6; j++) // column j: A^T over its six rows, into rows 0..3 of tmp
                    aTransposeTimes(m, at + j * plane, 6 * plane, tmp, j * VL, 6 * VL);
                for (int i = 0; i < 4; i++) { // output row i: A^T across tmp's row, the four phases interleaved into pixels
                    int t = 6 * i * VL;
                    FloatVector m0 = FloatVector.fromArray(S, tmp, t), m1 = FloatVector.fromArray(S, tmp, t + VL);
                    FloatVector m2 = FloatVector.fromArray(S, tmp, t + 2 * VL), m3 = FloatVector.fromArray(S, tmp, t + 3 * VL);
                    FloatVector m4 = FloatVector.fromArray(S, tmp, t + 4 * VL), m5 = FloatVector.fromArray(S, tmp, t + 5 * VL);
                    FloatVector a = m1.add(m2), b = m1.sub(m2), cc = m3.add(m4), d = m3.sub(m4);
                    FloatVector y0 = m0.add(a).add(cc), y1 = b.add(d.mul(2f)), y2 = a.add(cc.mul(4f)), y3 = b.add(d.mul(8f)).add(m5);
                    FloatVector lo02 = y0.rearrange(LO, y2), hi02 = y0.rearrange(HI, y2); // y0 y2 interleaved
                    FloatVector lo13 = y1.rearrange(LO, y3), hi13 = y1.rearrange(HI, y3); // y1 y3 interleaved
                    int px = outOff + (4 * (ty0 + tr) + i) * w + 4 * q;
                    lo02.rearrange(LO, lo13).intoArray(out, px);
                    lo02.rearrange(HI, lo13).intoArray(out, px + VL);
                    hi02.rearrange(LO, hi13).intoArray(out, px + 2 * VL);
                    hi02.rearrange(HI, hi13).intoArray(out, px + 3 * VL);
                }
            }
    }

    /** Four vectors A^T (m0 .. m5) from src + k sStep into dst + k dStep. */
    private static void aTransposeTimes(float[] src, int s0, int sStep, float[] dst, int d0, int dStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, s0), m1 = FloatVector.fromArray(S, src, s0 + sStep);
        FloatVector m2 = FloatVector.fromArray(S, src, s0 + 2 * sStep), m3 = FloatVector.fromArray(S, src, s0 + 3 * sStep);
        FloatVector m4 = FloatVector.fromArray(S, src, s0 + 4 * sStep), m5 = FloatVector.fromArray(S, src, s0 + 5 * sStep);
        FloatVector a = m1.add(m2), b = m1.sub(m2), cc = m3.add(m4), d = m3.sub(m4);
        m0.add(a).add(cc).intoArray(dst, d0);
        b.add(d.mul(2f)).intoArray(dst, d0 + dStep);
        a.add(cc.mul(4f)).intoArray(dst, d0 + 2 * dStep);
        b.add(d.mul(8f)).add(m5).intoArray(dst, d0 + 3 * dStep);
    }
}
