package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Two-vector shuffles of the preferred species that split 2 VL consecutive floats into their even- and
 * odd-indexed halves and interleave two vectors back: stride-2 gathers and scatters as contiguous vector moves
 * (Winograd's tile phases, stride-2 convolution phases).
 */
final class PairShuffles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** From the pair (a, b) of 2 VL consecutive floats: the even-indexed ones, the odd-indexed ones. */
    static final VectorShuffle<Float> EVEN, ODD;
    /** Interleaving (e, o) back into e0 o0 e1 o1 ...: the first VL lanes, the next VL. */
    static final VectorShuffle<Float> LO, HI;

    static {
        int[] even = new int[VL], odd = new int[VL], lo = new int[VL], hi = new int[VL];
        for (int i = 0; i < VL; i++) { // index >= VL picks lane index - VL of the second vector (written as index - 2 VL)
            even[i] = pairIndex(2 * i);
            odd[i] = pairIndex(2 * i + 1);
            lo[i] = pairIndex(i / 2 + (i % 2) * VL);
            hi[i] = pairIndex(VL / 2 + i / 2 + (i % 2) * VL);
        }
        EVEN = VectorShuffle.fromArray(S, even, 0);
        ODD = VectorShuffle.fromArray(S, odd, 0);
        LO = VectorShuffle.fromArray(S, lo, 0);
        HI = VectorShuffle.fromArray(S, hi, 0);
    }

    private static int pairIndex(int i) { return i < VL ? i : i - 2 * VL; }

    private PairShuffles() {}
}
