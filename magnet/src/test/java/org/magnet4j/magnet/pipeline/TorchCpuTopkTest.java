package org.magnet4j.magnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.magnet4j.tensor.io.Npy;

/**
 * The libstdc++ port picks exactly the indices torch.topk (PyTorch 1.13, CPU) picks when many scores tie at
 * the k-th value, on both of PyTorch's paths (nth_element and partial_sort), at MagNet's sizes. References
 * from src/test/python/make_topk_refs.py; the score formula is repeated here.
 */
class TorchCpuTopkTest {
    static float[] scores(int h, int w, int block, int levels, long seed) {
        int hh = h / block, ww = w / block;
        float[] coarse = new float[hh * ww];
        for (int i = 0; i < coarse.length; i++) {
            long r = Long.remainderUnsigned(i * 2654435761L + seed, 4294967296L) % levels;
            coarse[i] = (float) r / (float) levels;
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) out[y * w + x] = coarse[(y / block) * ww + x / block];
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"nth_small,64,64,2,97,1,1000", "partial_small,64,64,2,97,2,50", "nth_stage1,256,512,2,5000,3,32768",
            "partial_stage3,1024,2048,8,20000,4,32768"})
    void picksWhatPyTorchPicks(String name, int h, int w, int block, int levels, long seed, int k) throws Exception {
        float[] s = scores(h, w, block, levels, seed);
        int[] want = (int[]) Npy.read(Path.of(getClass().getResource("topk_" + name + ".npy").toURI())).data();
        int[] got = TorchCpuTopk.largest(s, k);
        Arrays.sort(got);
        float kth = Float.MAX_VALUE;
        for (int i : want) kth = Math.min(kth, s[i]);
        int ties = 0;
        for (float x : s) if (x == kth) ties++;
        assertTrue(ties > 1, name + ": the case must have ties at the k-th value");
        int differ = 0;
        for (int i = 0; i < k; i++) if (got[i] != want[i]) differ++;
        assertArrayEquals(want, got, name + ": " + differ + " of " + k + " picks differ from torch.topk (" + ties + " scores tie at the k-th value)");
    }
}
