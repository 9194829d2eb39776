package org.magnet4j.kernels.cpu;

/**
 * Where the GEMM's right operand B (K x N) comes from. The GEMM asks for one row segment at a time and
 * packs it into its strips, so B need never exist as a matrix: {@link Im2colPanels} produces a
 * convolution's im2col rows on the fly from the image.
 */
interface PanelSource {
    /** The columns [j0, j0 + cols) of row p, either in place (returned array/offset) or written to buf. */
    Segment row(int p, int j0, int cols, float[] buf);

    /**
     * When every row p lies in place in one array that is likely to be cached (row p, column j at
     * {@code inPlaceArray()[inPlaceOffset(p) + j]}, for every column), that array:
     * the GEMM may then read B where it is instead of packing it. Null (the default) means: pack.
     */
    default float[] inPlaceArray() { return null; }

    /**
     * Whether B should be read in place with the 12-row kernel over packed A from 7 rows on (also above
     * {@link Gemm#IN_PLACE_MAX_M} rows, where it would otherwise be packed); only asked when {@link #inPlaceArray()}
     * is not null.
     */
    default boolean inPlaceForManyRows() { return false; }

    /** Where row p starts in {@link #inPlaceArray()}; only called when that is not null. */
    default int inPlaceOffset(int p) { throw new UnsupportedOperationException(); }

    /** A view of a row segment: cols floats of {@code array} from {@code offset}. */
    record Segment(float[] array, int offset) {}

    /** B stored row-major with row stride ldb: segments are returned in place. */
    record Matrix(float[] b, int off, int ldb) implements PanelSource {
        @Override public Segment row(int p, int j0, int cols, float[] buf) { return new Segment(b, off + p * ldb + j0); }
    }

    /**
     * B as stored matrices one above the other (a channel concatenation read where its parts lie): rows
     * [starts[i], starts[i + 1]) are part i's rows, starts[0] = 0 and the last entry B's row count.
     */
    record Stacked(Matrix[] parts, int[] starts) implements PanelSource {
        /** The part holding row p. */
        int part(int p) {
            int i = 0;
            while (p >= starts[i + 1]) i++;
            return i;
        }

        @Override public Segment row(int p, int j0, int cols, float[] buf) {
            int i = part(p);
            return parts[i].row(p - starts[i], j0, cols, buf);
        }
    }
}
