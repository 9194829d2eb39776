package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.kernels.SamplingTables;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Sampling;
import org.magnet4j.tensor.Tensor;

/**
 * float32 bilinear resizing through {@link BilinearRows} (rows interpolated along x once, then combined) against
 * the per-pixel formula, bit for bit: up and down, integer and fractional ratios, both align_corners, a given
 * scale factor, one-pixel inputs and outputs, widths below and above a vector. (PyTorch parity itself is
 * SamplingKernelsTest's.)
 */
class BilinearRowsTest {
    @ParameterizedTest(name = "{0}x{1}x{2}x{3} -> {4}x{5}, align {6}, scale {7}")
    @CsvSource({
            "1, 19, 64, 128, 256, 512, false, 0", "2, 3, 37, 23, 150, 97, false, 0", "1, 2, 37, 23, 150, 97, true, 0",
            "1, 3, 256, 128, 64, 32, false, 0", "1, 2, 50, 70, 33, 41, true, 0", "1, 1, 1, 1, 9, 17, false, 0",
            "1, 2, 9, 17, 1, 1, true, 0", "1, 2, 7, 9, 0, 0, false, 1.7", "1, 4, 5, 300, 20, 301, false, 0"})
    void rowsEqualThePerPixelFormulaBitForBit(int n, int c, int h, int w, int oh, int ow, boolean align, double scale) {
        SplittableRandom rng = new SplittableRandom(h * 31L + w);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        Tensor t = Tensor.fromArray(x, n, c, h, w);
        Tensor y = scale > 0 ? Sampling.interpolateScale(t, scale, scale, InterpMode.BILINEAR, align)
                             : Sampling.interpolate(t, oh, ow, InterpMode.BILINEAR, align);
        int outH = y.size(2), outW = y.size(3);
        SamplingTables.Axis ay = SamplingTables.axis(h, outH, InterpMode.BILINEAR, align, scale > 0 ? scale : -1, true);
        SamplingTables.Axis ax = SamplingTables.axis(w, outW, InterpMode.BILINEAR, align, scale > 0 ? scale : -1, true);
        float[] got = y.toFloatArray();
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++) {
                    int r0 = p * h * w + ay.i0()[oy] * w, r1 = p * h * w + ay.i1()[oy] * w, c0 = ax.i0()[ox], c1 = ax.i1()[ox];
                    float a0 = (float) ay.w0()[oy], a1 = (float) ay.w1()[oy], b0 = (float) ax.w0()[ox], b1 = (float) ax.w1()[ox];
                    float want = (x[r0 + c0] * b0 + x[r0 + c1] * b1) * a0 + (x[r1 + c0] * b0 + x[r1 + c1] * b1) * a1;
                    int at = (p * outH + oy) * outW + ox;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[at]), "plane " + p + " (" + oy + ", " + ox + ")");
                }
    }
}
