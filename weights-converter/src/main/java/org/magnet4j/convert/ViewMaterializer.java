package org.magnet4j.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Copies a view (offset, shape, strides) out of a storage's bytes into a fresh row-major Java array, converting
 * byte order on the way. Contiguous views are one bulk copy; others copy row runs or single elements. The copy
 * goes straight from the (mapped) file into the result array, so no intermediate copy of the data is ever made.
 * <p>
 * Several views may share one storage, and a view with stride 0 addresses few bytes but many elements, so a
 * hostile file could ask for far more memory than it holds. A byte budget, set from the file's size, refuses that.
 */
final class ViewMaterializer {
    private final long budget;
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();

    ViewMaterializer(long budgetBytes) { this.budget = budgetBytes; }

    /** The budget for a file of the given size: overlapping views up to 4x the file, plus slack for tiny files. */
    static ViewMaterializer forFileSize(long fileSize) { return new ViewMaterializer(4 * fileSize + (64L << 20)); }

    Object materialize(TensorRef t, MemorySegment storage, ByteOrder order) {
        Object out = allocate(t);
        int n = (int) t.numel();
        if (n == 0) return out;
        StorageType type = t.storage().type();
        ValueLayout layout = type.layout(order);
        int es = type.elementSize();
        boolean widen = type == StorageType.SHORT || type == StorageType.CHAR;
        int[] shape = t.shape();
        int rank = shape.length;
        if (!widen && t.contiguous()) {
            MemorySegment.copy(storage, layout, t.offset() * es, out, 0, n);
        } else {
            // Walk the outer dimensions with an odometer; the last dimension is a run (bulk copy when stride 1).
            int inner = rank == 0 ? 1 : shape[rank - 1];
            long innerStride = rank == 0 ? 1 : t.stride()[rank - 1];
            int[] idx = new int[Math.max(rank - 1, 0)];
            long base = t.offset();
            for (int dst = 0; dst < n; dst += inner) {
                if (innerStride == 1 && !widen) MemorySegment.copy(storage, layout, base * es, out, dst, inner);
                else for (int j = 0; j < inner; j++) setElement(out, dst + j, storage, layout, type, (base + j * innerStride) * es);
                for (int d = rank - 2; d >= 0; d--) { // advance the odometer
                    base += t.stride()[d];
                    if (++idx[d] < shape[d]) break;
                    base -= (long) shape[d] * t.stride()[d];
                    idx[d] = 0;
                }
            }
        }
        return finish(t, out);
    }

    /** Whether {@link #fill} can copy t chunk by chunk: one contiguous run of the storage, no widening. */
    static boolean streamable(TensorRef t) {
        StorageType type = t.storage().type();
        return t.contiguous() && type != StorageType.SHORT && type != StorageType.CHAR;
    }

    /** The result array for t, after reserving its bytes against the budget. */
    Object allocate(TensorRef t) {
        StorageType type = t.storage().type();
        int n = (int) t.numel(); // checked <= MAX_ELEMENTS when the TensorRef was built
        long bytes = (long) n * type.dtype.byteSize();
        if (used.addAndGet(bytes) > budget) // reserve first, so concurrent callers cannot overshoot together
            throw new CorruptInputException("tensors would take more than " + budget + " bytes in memory from a file this size"
                    + " (views overlapping or expanded without limit)");
        return switch (type) {
            case FLOAT -> new float[n];
            case DOUBLE -> new double[n];
            case HALF, BFLOAT16 -> new short[n];
            case LONG -> new long[n];
            case INT, SHORT, CHAR -> new int[n];
            case BYTE, BOOL -> new byte[n];
        };
    }

    /**
     * Copies into {@code out} (from {@link #allocate}) the part of a {@link #streamable} view that lies in
     * {@code chunk}, which holds storage bytes [at, at + size). Chunks start at multiples of the element size.
     */
    static void fill(TensorRef t, Object out, MemorySegment chunk, long at, ByteOrder order) {
        int es = t.storage().type().elementSize();
        long viewStart = t.offset() * es, viewEnd = viewStart + t.numel() * es;
        long lo = Math.max(viewStart, at), hi = Math.min(viewEnd, at + chunk.byteSize());
        if (lo >= hi) return;
        MemorySegment.copy(chunk, t.storage().type().layout(order), lo - at, out, (int) ((lo - viewStart) / es), (int) ((hi - lo) / es));
    }

    /** Engine bools are exactly 0 or 1. */
    static Object finish(TensorRef t, Object out) {
        if (t.storage().type() == StorageType.BOOL) {
            byte[] b = (byte[]) out;
            for (int i = 0; i < b.length; i++) b[i] = (byte) (b[i] != 0 ? 1 : 0);
        }
        return out;
    }

    private static void setElement(Object out, int i, MemorySegment s, ValueLayout layout, StorageType type, long at) {
        switch (type) {
            case FLOAT -> ((float[]) out)[i] = s.get((ValueLayout.OfFloat) layout, at);
            case DOUBLE -> ((double[]) out)[i] = s.get((ValueLayout.OfDouble) layout, at);
            case HALF, BFLOAT16 -> ((short[]) out)[i] = s.get((ValueLayout.OfShort) layout, at);
            case LONG -> ((long[]) out)[i] = s.get((ValueLayout.OfLong) layout, at);
            case INT -> ((int[]) out)[i] = s.get((ValueLayout.OfInt) layout, at);
            case SHORT -> ((int[]) out)[i] = s.get((ValueLayout.OfShort) layout, at);
            case CHAR -> ((int[]) out)[i] = s.get((ValueLayout.OfByte) layout, at);
            case BYTE, BOOL -> ((byte[]) out)[i] = s.get((ValueLayout.OfByte) layout, at);
        }
    }
}
