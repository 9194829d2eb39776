package org.magnet4j.nn.parity;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Tensor;

/**
 * Comparisons of engine results with PyTorch references, with messages that state the measured figures and
 * the bounds. Floating arrays: max |java - ref| and ||java - ref||_2 / ||ref||_2 (when ||ref|| is 0 the
 * relative figure is replaced by the absolute max, checked against the rel_l2 bound, as parity/README.md says).
 * NaN must meet NaN and an infinity the same infinity; anything else there counts as an infinite error.
 * Integer and bool arrays must match exactly.
 */
final class Compare {
    private Compare() {}

    /** Bounds of one check; a null bound is not checked. */
    record Tol(Double maxAbs, Double relL2) {
        static Tol of(JsonElement e) {
            if (e == null || !e.isJsonObject()) return new Tol(null, null);
            JsonObject o = e.getAsJsonObject();
            return new Tol(num(o, "max_abs"), num(o, "rel_l2"));
        }

        private static Double num(JsonObject o, String k) { return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsDouble() : null; }

        /** The same bounds with rel_l2 replaced (used only where a widened bound is justified in a comment). */
        Tol withRelL2(double r) { return new Tol(maxAbs, r); }

        @Override public String toString() { return "max_abs<=" + (maxAbs == null ? "-" : fmt(maxAbs)) + ", rel_l2<=" + (relL2 == null ? "-" : fmt(relL2)); }
    }

    /** What one comparison measured. relL2 is absolute (max_abs) when the reference norm is 0. */
    record Stats(String label, double maxAbs, double relL2, boolean ok, String message) {}

    static String fmt(double v) { return String.format("%.3g", v); }

    static Stats floating(String label, Tensor java, Tensor ref, Tol tol) {
        if (!java.dtype().isFloating())
            return new Stats(label, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false,
                    label + ": engine returned " + java.describe() + ", reference is " + ref.describe());
        String shapeMsg = shapeMismatch(label, java, ref);
        if (shapeMsg != null) return new Stats(label, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false, shapeMsg);
        double[] a = java.toDoubleArray(), b = ref.toDoubleArray();
        double maxAbs = 0, diff2 = 0, ref2 = 0;
        int worst = -1;
        for (int i = 0; i < a.length; i++) {
            double x = a[i], y = b[i], d;
            if (Double.isNaN(y) || Double.isInfinite(y)) d = (Double.compare(x, y) == 0 || (Double.isNaN(x) && Double.isNaN(y))) ? 0 : Double.POSITIVE_INFINITY;
            else if (Double.isNaN(x) || Double.isInfinite(x)) d = Double.POSITIVE_INFINITY;
            else {
                d = Math.abs(x - y);
                ref2 += y * y;
            }
            if (d > maxAbs || worst < 0 && d == maxAbs) {
                maxAbs = d;
                worst = i;
            }
            diff2 += d == Double.POSITIVE_INFINITY ? d : d * d;
        }
        double refNorm = Math.sqrt(ref2);
        boolean zeroRef = refNorm == 0;
        double rel = zeroRef ? maxAbs : Math.sqrt(diff2) / refNorm;
        boolean ok = (tol.maxAbs() == null || maxAbs <= tol.maxAbs()) && (tol.relL2() == null || rel <= tol.relL2());
        StringBuilder m = new StringBuilder(label).append(' ').append(ref.describe()).append(": max_abs ").append(fmt(maxAbs))
                .append(tol.maxAbs() == null ? " (not bounded)" : (maxAbs <= tol.maxAbs() ? " <= " : " EXCEEDS ") + fmt(tol.maxAbs()))
                .append(zeroRef ? ", reference all zero: max_abs " : ", rel_l2 ").append(fmt(rel))
                .append(tol.relL2() == null ? " (not bounded)" : (rel <= tol.relL2() ? " <= " : " EXCEEDS ") + fmt(tol.relL2()));
        if (!ok && worst >= 0)
            m.append("; worst at ").append(Arrays.toString(unravel(worst, ref.shape()))).append(": java ").append(a[worst]).append(", ref ").append(b[worst]);
        return new Stats(label, maxAbs, rel, ok, m.toString());
    }

    /** Integer or bool arrays, element for element. */
    static Stats exact(String label, Tensor java, Tensor ref) {
        boolean refBool = ref.dtype() == DType.BOOL, javaBool = java.dtype() == DType.BOOL;
        if (refBool != javaBool || java.dtype().isFloating())
            return new Stats(label, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false,
                    label + ": engine returned " + java.describe() + ", reference is " + ref.describe() + " (must match exactly)");
        String shapeMsg = shapeMismatch(label, java, ref);
        if (shapeMsg != null) return new Stats(label, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false, shapeMsg);
        long[] a = longs(java), b = longs(ref);
        int bad = 0, first = -1;
        for (int i = 0; i < a.length; i++)
            if (a[i] != b[i]) {
                if (first < 0) first = i;
                bad++;
            }
        if (bad == 0) return new Stats(label, 0, 0, true, label + " " + ref.describe() + ": exact match");
        return new Stats(label, Double.NaN, Double.NaN, false, label + " " + ref.describe() + ": " + bad + " of " + a.length
                + " elements differ (must match exactly); first at " + Arrays.toString(unravel(first, ref.shape())) + ": java " + a[first] + ", ref " + b[first]);
    }

    static long[] longs(Tensor t) {
        if (t.dtype() == DType.BOOL) {
            byte[] b = (byte[]) t.contiguous().download();
            long[] out = new long[b.length];
            for (int i = 0; i < b.length; i++) out[i] = b[i] != 0 ? 1 : 0;
            return out;
        }
        return t.toLongArray();
    }

    private static String shapeMismatch(String label, Tensor java, Tensor ref) {
        if (Arrays.equals(java.shape(), ref.shape())) return null;
        return label + ": engine shape " + Arrays.toString(java.shape()) + ", reference " + Arrays.toString(ref.shape());
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return idx;
    }
}
