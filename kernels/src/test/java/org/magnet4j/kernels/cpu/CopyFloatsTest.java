package org.magnet4j.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/** Strided copies between float32 and float64 (the fast path of dtype conversion) against element-wise casts. */
class CopyFloatsTest {
    @Test
    void stridedConversionsCastEachElement() {
        SplittableRandom rng = new SplittableRandom(9);
        int r = 37, c = 53;
        double[] d = new double[r * c];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(-40, 40)); // many roundings
        Tensor x64 = Tensor.fromArray(d, r, c);
        for (DType from : new DType[] {DType.FLOAT64, DType.FLOAT32})
            for (DType to : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                Tensor src = x64.to(from).transpose(0, 1); // [c, r], strided
                double[] want = new double[c * r];
                for (int i = 0; i < c; i++)
                    for (int j = 0; j < r; j++) {
                        double v = from == DType.FLOAT32 ? (float) d[j * c + i] : d[j * c + i];
                        want[i * r + j] = to == DType.FLOAT32 ? (float) v : v;
                    }
                double[] got = src.to(to).contiguous().toDoubleArray();
                if (from == to) got = src.contiguous().toDoubleArray();
                for (int i = 0; i < want.length; i++)
                    assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), from + "->" + to + " element " + i);
            }
    }
}
