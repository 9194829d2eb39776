package org.magnet4j.kernels.cpu;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The Winograd weights of the convolutions run so far (U = G g G^T at each of the 16 or 36 points, packed for the
 * 12-row kernel), reused while a layer's weights are unchanged: inference runs every layer with the same weights
 * forward after forward, and transforming and packing them again each time cost the FPN about 10 ms a forward
 * (0.7 ms to transform 256 -> 256 for F(4x4, 3x3), then packing the 36 matrices).
 * <p>
 * A layer is looked up by its weight array (by identity) and trusted only if the weights still equal the copy taken
 * when its entry was made: a training step updates weights in place, and any change, in any element, recomputes
 * into the entry's buffers. Entries are keyed weakly (they go with their model) and held softly (the collector may
 * drop them before the heap runs out). -Dmagnet.winogradCache=false transforms on every call.
 */
final class WinogradWeights {
    /** Writes the points x co x c transformed weights of w (co x c x 3 x 3 from wOff) into u. */
    interface Transform {
        void apply(float[] w, int wOff, int co, int c, float[] u);
    }

    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("magnet.winogradCache", ""));

    private static final Map<float[], SoftReference<Entry>> CACHE = new WeakHashMap<>();

    private WinogradWeights() {}

    /** The copy of the weights it was made from, and the packed matrices. */
    private record Entry(int wOff, int co, int c, int points, float[] copy, PackedA[] packed) {
        boolean sameShape(int wOff, int co, int c, int points) {
            return this.wOff == wOff && this.co == co && this.c == c && this.points == points;
        }

        boolean madeFrom(float[] w) {
            return Arrays.equals(w, wOff, wOff + copy.length, copy, 0, copy.length);
        }
    }

    /** The points matrices co x c of transform(w), packed: from the cache when w is unchanged, else computed (and kept). */
    static PackedA[] packed(float[] w, int wOff, int co, int c, int points, Transform transform) {
        if (ENABLED) {
            SoftReference<Entry> ref;
            synchronized (CACHE) {
                ref = CACHE.get(w);
            }
            Entry e = ref == null ? null : ref.get();
            if (e != null && e.sameShape(wOff, co, c, points) && e.madeFrom(w)) return e.packed;
        }
        float[] u = Scratch.floats(Scratch.WINO_U, Math.multiplyExact(points, co * c));
        transform.apply(w, wOff, co, c, u);
        int per = Math.toIntExact(PackedA.size(co, c));
        if (!ENABLED) return packAll(u, points, co, c, Scratch.floats(Scratch.WINO_U_PACKED, Math.multiplyExact(points, per)));
        // A new entry rather than rewriting the old one: a caller may still be reading it.
        float[] data = new float[Math.multiplyExact(points, per)];
        Entry e = new Entry(wOff, co, c, points, Arrays.copyOfRange(w, wOff, wOff + co * c * 9), packAll(u, points, co, c, data));
        synchronized (CACHE) {
            CACHE.put(w, new SoftReference<>(e));
        }
        return e.packed;
    }

    /** The count co x c matrices of u (one after another) packed for {@link Gemm}'s 12-row kernel into buf. */
    private static PackedA[] packAll(float[] u, int count, int co, int c, float[] buf) {
        int per = Math.toIntExact(PackedA.size(co, c));
        PackedA[] packed = new PackedA[count];
        for (int xi = 0; xi < count; xi++) packed[xi] = PackedA.pack(co, c, u, xi * co * c, c, buf, xi * per);
        return packed;
    }
}
