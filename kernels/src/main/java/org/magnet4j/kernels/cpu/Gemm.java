package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major float32 matrix products C = A x B (+ C when accumulating): a register-blocked Vector API kernel (12 rows
 * x 2 vectors of accumulators, FMA over K; {@link PackedAKernels}) over A packed once per product ({@link PackedA})
 * and B packed into zero-padded, contiguous strips ({@link StripPacking}); products of at most
 * {@link #IN_PLACE_MAX_M} rows whose B is cached read B where it lies, 6 or 9 rows at a time ({@link FewRowGemm},
 * {@link NineRowGemm}). This class splits a product into tasks and runs the packed paths; the float64 reference
 * product is {@link Float64Gemm}.
 *
 * <p>Numerics: each KC-deep slice of K is summed from zero (one FMA per step, in K order) and then added to
 * C, so every element's rounding is fixed by KC alone, whatever the blocking, threads or edge handling.
 * Changing KC changes results bit for bit (and with them tie-sensitive pipeline picks); the tests pin it.
 */
public final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Columns of every register tile: two vectors. */
    static final int NR = 2 * VL;
    /** Columns of B per task (a multiple of NR) and K rows per slice: one packed slice is KC x NC floats (L2). */
    static final int NC = 128;
    static final int KC = 256;
    /**
     * Panel width when B is wide: packing then reads 1 KB runs of each B row instead of 512 bytes, which
     * stream from DRAM/L3 better (in 2-thread JMH runs 256 was as fast as or faster than 128 to 1024).
     */
    static final int WIDE_NC = 256;
    /**
     * Products with at most this many rows read B in place when its source allows: packing a strip costs a
     * load and a store per element, which few rows of A cannot amortise (HRNet's 18-channel 3x3 convolution
     * spent as long packing as multiplying; in place its GEMM took 0.70 ms instead of 0.93). From 36 rows on,
     * packing won (strips of deep K no longer stay in L1 when read in place, unaligned, across 6 groups of rows).
     */
    static final int IN_PLACE_MAX_M = 24;

    /** Per-thread packing space, allocated once: steady-state products allocate nothing. */
    static final class PackSpace {
        final float[] panel = new float[KC * WIDE_NC];
        /** The last rows of A, zero-padded, for {@link FewRowGemm}'s 6-row kernel. */
        final float[] rows = new float[FewRowGemm.MR * KC];
        /** An edge or accumulating tile: up to 12 rows (the packed path's kernel) x NR. */
        final float[] tile = new float[PackedA.MR * NR];
        final float[] row = new float[WIDE_NC];
        /** The running sum of a tile over K slices ({@link #panelFullDepth}). */
        final float[] sum = new float[PackedA.MR * NR];
        /** B's whole-depth panel ({@link #panelFullDepth}; grown on demand). */
        float[] deepPanel = new float[0];
        /** C block of a task whose rows go to a {@link TileSink} (grown on demand). */
        float[] block = new float[0];

        /** Scratch of the nine-row in-place kernel, made on first use. */
        private NineRowGemm.Space nines;

        NineRowGemm.Space nines() {
            if (nines == null) nines = new NineRowGemm.Space();
            return nines;
        }

        float[] deepPanel(int n) {
            if (deepPanel.length < n) deepPanel = new float[n];
            return deepPanel;
        }

        float[] block(int n) {
            if (block.length < n) block = new float[n];
            return block;
        }
    }

    /**
     * For benchmarks only ({@code StoredBBoundsBenchmark}): false makes every task multiply whatever its thread's
     * panel already holds instead of packing B, which times the FMAs without B's memory traffic. Products are then
     * wrong; nothing else sets it.
     */
    static boolean packB = true;

    private static final ThreadLocal<PackSpace> SCRATCH = ThreadLocal.withInitial(PackSpace::new);

    private Gemm() {}

    /**
     * C[m,n] (+)= sum_k A[m,k] B[k,n]; A is M x K with row stride lda, B is K x N with row stride ldb,
     * C is M x N with row stride ldc. Work is split into column panels of B and, when there are few
     * panels, into row blocks too; each task packs its own panel so tasks share nothing writable.
     */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(m, n, k, a, aOff, lda, new PanelSource.Matrix(b, bOff, ldb), c, cOff, ldc, accumulate);
    }

    /** As above with B supplied row segment by row segment (a matrix, or a convolution's implicit im2col). */
    static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, PanelSource b,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(m, n, k, a, aOff, lda, b, c, cOff, ldc, accumulate, null);
    }

    /**
     * As above, then {@code epilogue} (may be null) on each group of C rows right after its last K slice is
     * stored, while it is still in cache: no separate pass over C.
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, PanelSource b,
                      float[] c, int cOff, int ldc, boolean accumulate, GemmEpilogue epilogue) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            if (epilogue != null) epilogue.apply(c, cOff, ldc, 0, m, n);
            return;
        }
        run(m, n, k, a, aOff, lda, b, c, cOff, ldc, accumulate, epilogue);
    }

    /**
     * C = A x B where C is never stored as a whole: each task computes its block of C in this thread's scratch
     * and hands each finished group of rows to {@code sink}, which puts it where it belongs (k must be positive).
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, PanelSource b, TileSink sink) {
        if (m == 0 || n == 0) return;
        if (k == 0) throw new IllegalArgumentException("k must be positive when C goes to a sink");
        run(m, n, k, a, aOff, lda, b, null, 0, 0, false, sink);
    }

    /** How a product's tasks compute their block of C, chosen once per product. */
    private enum TaskKind {
        /** B packed in strips, A packed for the 12-row kernel ({@link #panel}). */
        PACKED(PackedA.MR),
        /** B read in place, A packed for the 12-row kernel ({@link #panelPackedInPlace}). */
        PACKED_A_IN_PLACE(PackedA.MR),
        /** B read in place, rows in nines, A packed in nines ({@link NineRowGemm}, {@link PackedA#packNines}). */
        NINE_ROWS(NineRowGemm.MR),
        /** B read in place, A read in place by the 6-row kernels ({@link FewRowGemm}). */
        FEW_ROWS_IN_PLACE(FewRowGemm.MR);

        /** Rows per register tile: tasks split the rows in multiples of it. */
        final int rows;

        TaskKind(int rows) { this.rows = rows; }
    }

    /** The task split; c == null means each task's block of C lives in its thread's scratch (sink mode). */
    private static void run(int m, int n, int k, float[] a, int aOff, int lda, PanelSource b,
                            float[] c, int cOff, int ldc, boolean accumulate, TileSink sink) {
        float[] inPlace = m <= IN_PLACE_MAX_M || b.inPlaceForManyRows() ? b.inPlaceArray() : null;
        // From 7 rows on, a source that reads well in place takes the 12-row kernel over packed A with B in place
        // (HRNet's 18 x 32768 x 162: 0.61-0.62 ms against 0.72-0.73 as two nine-row groups, alternated JMH). 7 to 11
        // rows run zero-padded to 12: alone, the FPN's 512 -> 7 classifier was faster on the 6-row and one-row kernels
        // (6.4 ms against 7.2-7.4), but inside the model it took 15.3-15.4 ms that way against 10.6-12.1 ms padded
        // (--profile, alternated JVMs, 2026-12-01). Up to 6 rows the few-row kernels stay (a group of 6 is what the
        // packed path would run too).
        TaskKind kind = inPlace == null ? TaskKind.PACKED
                : m > PackedA.SHORT && b.inPlaceForManyRows() ? TaskKind.PACKED_A_IN_PLACE
                : m % NineRowGemm.MR == 0 ? TaskKind.NINE_ROWS : TaskKind.FEW_ROWS_IN_PLACE;
        // A is packed once per product, in the caller, not once per task.
        PackedA pa = switch (kind) {
            case PACKED, PACKED_A_IN_PLACE -> PackedA.pack(m, k, a, aOff, lda, Scratch.floats(Scratch.GEMM_A, Math.toIntExact(PackedA.size(m, k))));
            case NINE_ROWS -> PackedA.packNines(m, k, a, aOff, lda, Scratch.floats(Scratch.GEMM_A, Math.multiplyExact(m, k)));
            case FEW_ROWS_IN_PLACE -> null;
        };
        run(m, n, k, a, aOff, lda, pa, inPlace, kind, b, c, cOff, ldc, accumulate, sink);
    }

    /** As above with A already packed (Winograd packs its 36 transformed weight matrices once per convolution). */
    static void sgemm(PackedA a, int n, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (a.m == 0 || n == 0 || a.k == 0) throw new IllegalArgumentException("empty product " + a.m + "x" + n + "x" + a.k);
        run(a.m, n, a.k, null, 0, 0, a, null, TaskKind.PACKED, new PanelSource.Matrix(b, bOff, ldb), c, cOff, ldc, false, null);
    }

    private static void run(int m, int n, int k, float[] a, int aOff, int lda, PackedA pa, float[] inPlace, TaskKind kind,
                            PanelSource b, float[] c, int cOff, int ldc, boolean accumulate, TileSink sink) {
        int mr = kind.rows;
        int nc = kind == TaskKind.NINE_ROWS ? NineRowGemm.NC : n >= 4 * WIDE_NC ? WIDE_NC : NC;
        int panels = (n + nc - 1) / nc;
        int groups = (m + mr - 1) / mr;
        int rowSplit = Math.max(1, Math.min(groups, (Parallel.threads() * 4 + panels - 1) / panels));
        int rowsPer = (groups + rowSplit - 1) / rowSplit * mr;
        int rowTasks = (m + rowsPer - 1) / rowsPer;
        long flops = 2L * m * n * k;
        int tasks = panels * rowTasks;
        int[] rowOff = inPlace == null ? null : new int[k];
        for (int p = 0; rowOff != null && p < k; p++) rowOff[p] = b.inPlaceOffset(p);
        Parallel.forRange(tasks, flops < (1 << 22) ? tasks : 1, (lo, hi) -> {
            PackSpace s = SCRATCH.get();
            for (int t = lo; t < hi; t++) {
                int j0 = (t / rowTasks) * nc, i0 = (t % rowTasks) * rowsPer, rows = Math.min(rowsPer, m - i0), cols = Math.min(nc, n - j0);
                // Sink mode: the block is rows x nc in scratch, its rows handed on when finished; it never accumulates.
                float[] dst = c == null ? s.block(rowsPer * nc) : c;
                int at = c == null ? 0 : cOff + i0 * ldc + j0, ld = c == null ? nc : ldc;
                boolean acc = c != null && accumulate;
                switch (kind) {
                    case PACKED -> {
                        if (k > KC && (long) k * cols <= FULL_DEPTH_MAX) panelFullDepth(i0, rows, j0, cols, pa, b, dst, at, ld, acc, sink, s);
                        else panel(i0, rows, j0, cols, pa, b, dst, at, ld, acc, sink, s);
                    }
                    case PACKED_A_IN_PLACE -> panelPackedInPlace(i0, rows, j0, cols, pa, b, inPlace, rowOff, dst, at, ld, acc, sink, s);
                    case NINE_ROWS -> NineRowGemm.panel(i0, rows, j0, cols, pa, inPlace, rowOff, b, dst, at, ld, acc, sink, s);
                    case FEW_ROWS_IN_PLACE -> FewRowGemm.panel(i0, rows, j0, cols, k, a, aOff + i0 * lda, lda, b, inPlace, rowOff, dst, at, ld, acc, sink, s);
                }
            }
        });
    }

    /**
     * One task: rows [i0, i0 + rows) x cols of C over the whole K, one KC slice at a time, A packed (i0 a multiple
     * of 12). Packing B is not overlapped with the FMAs: copying the next panel one vector per step of the FMA loop
     * (into a second buffer) made 18 x 32768 x 162 slower, 1.9-2.4 ms against 0.9-1.3 ms (1.05 ms even with the
     * source in L2), and strips as the outer loop for few rows made no difference (JMH, alternated runs).
     */
    private static void panel(int i0, int rows, int j0, int cols, PackedA pa, PanelSource b,
                              float[] c, int cOff, int ldc, boolean accumulate, TileSink sink, PackSpace s) {
        int strips = (cols + NR - 1) / NR, k = pa.k;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int depth = Math.min(KC, k - p0);
            if (packB) StripPacking.packStrips(b, p0, depth, j0, cols, s);
            boolean acc = accumulate || p0 > 0;
            TileSink done = p0 + KC >= k ? sink : null;
            for (int i = 0; i < rows; i += PackedA.MR) {
                int stored = pa.height(i0 + i), height = Math.min(stored, rows - i), aAt = pa.offset(p0, i0 + i);
                for (int st = 0; st < strips; st++) {
                    int j = st * NR, width = Math.min(NR, cols - j), at = cOff + i * ldc + j, bAt = st * depth * NR;
                    // Straight into C only when the tile is whole and replaces C; otherwise through the tile (see PackedAKernels).
                    boolean direct = height == stored && width == NR && !acc;
                    float[] dst = direct ? c : s.tile;
                    int dstOff = direct ? at : 0, dstLd = direct ? ldc : NR;
                    PackedAKernels.micro(stored, depth, pa.data, aAt, s.panel, bAt, dst, dstOff, dstLd);
                    if (!direct) mergeTile(s.tile, height, width, c, at, ldc, acc);
                }
                // The group's finished rows (height x cols, just computed, still in L1/L2) in one call: long runs
                // for the epilogue's vector loop instead of one short call per tile.
                if (done != null) done.finish(c, cOff + i * ldc, ldc, i0 + i, j0, height, cols);
            }
        }
    }

    /** Floats of B's whole-depth panel up to which {@link #panelFullDepth} is used (1 MB: it must stay in L2). */
    static final long FULL_DEPTH_MAX = 1 << 18;

    /**
     * {@link #panel} for products over several K slices whose whole-depth panel fits in L2: B's panel is packed for
     * every slice at once, and each tile is summed over all slices (in a small running-sum tile, in L1) before C is
     * written, once. Slice by slice, C's block was re-read and re-written per slice, and when C's rows are 128 KB
     * apart they share cache sets, so the block came back from L3. Same slices, same order of sums (C, if
     * accumulating, then each slice's sum added in turn): the bits of {@link #panel}.
     */
    private static void panelFullDepth(int i0, int rows, int j0, int cols, PackedA pa, PanelSource b,
                                       float[] c, int cOff, int ldc, boolean accumulate, TileSink sink, PackSpace s) {
        int strips = (cols + NR - 1) / NR, k = pa.k, sliceStride = strips * NR;
        float[] panel = s.deepPanel(k * sliceStride), sum = s.sum, part = s.tile;
        if (packB) StripPacking.packPanel(b, k, j0, cols, panel, s.row);
        for (int i = 0; i < rows; i += PackedA.MR) {
            int stored = pa.height(i0 + i), height = Math.min(stored, rows - i);
            for (int st = 0; st < strips; st++) {
                int j = st * NR, width = Math.min(NR, cols - j), at = cOff + i * ldc + j;
                if (accumulate) loadTile(c, at, ldc, height, width, sum);
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int depth = Math.min(KC, k - p0), aAt = pa.offset(p0, i0 + i), bAt = p0 * sliceStride + st * depth * NR;
                    boolean first = p0 == 0 && !accumulate;
                    float[] dst = first ? sum : part;
                    PackedAKernels.micro(stored, depth, pa.data, aAt, panel, bAt, dst, 0, NR);
                    if (!first) mergeTile(part, stored, NR, sum, 0, NR, true); // sum + part, as C + tile slice by slice
                }
                mergeTile(sum, height, width, c, at, ldc, false);
            }
            if (sink != null) sink.finish(c, cOff + i * ldc, ldc, i0 + i, j0, height, cols);
        }
    }

    /** C's height x width block at c[at] into an NR-wide tile. */
    private static void loadTile(float[] c, int at, int ldc, int height, int width, float[] tile) {
        for (int r = 0; r < height; r++) System.arraycopy(c, at + r * ldc, tile, r * NR, width);
    }

    /**
     * {@link #panel} with B read where it lies (full strips; the ragged last one packed) and A packed, for sources
     * that say it pays ({@link PanelSource#inPlaceForManyRows}). Groups outer, strips inner, as in panel: a group of
     * A stays in L1 while the task's strips stream from L2. Same slices, same order of products and sums: the bits
     * of {@link #panel}.
     */
    private static void panelPackedInPlace(int i0, int rows, int j0, int cols, PackedA pa, PanelSource b, float[] bArr, int[] rowOff,
                                           float[] c, int cOff, int ldc, boolean accumulate, TileSink sink, PackSpace s) {
        int fullStrips = cols / NR, tail = cols - fullStrips * NR, k = pa.k;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int depth = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            TileSink done = p0 + KC >= k ? sink : null;
            if (tail > 0) StripPacking.packStrips(b, p0, depth, j0 + fullStrips * NR, tail, s); // the ragged strip, zero-padded
            for (int i = 0; i < rows; i += PackedA.MR) {
                int stored = pa.height(i0 + i), height = Math.min(stored, rows - i), aAt = pa.offset(p0, i0 + i);
                for (int st = 0; st <= fullStrips; st++) {
                    int j = st * NR, width = st < fullStrips ? NR : tail, at = cOff + i * ldc + j;
                    if (width == 0) break;
                    boolean direct = height == stored && width == NR && !acc;
                    float[] dst = direct ? c : s.tile;
                    int dstOff = direct ? at : 0, dstLd = direct ? ldc : NR;
                    if (width < NR) {
                        PackedAKernels.micro(stored, depth, pa.data, aAt, s.panel, 0, dst, dstOff, dstLd);
                    } else PackedAKernels.microInPlace(stored, depth, pa.data, aAt, bArr, rowOff, p0, j0 + j, dst, dstOff, dstLd);
                    if (!direct) mergeTile(s.tile, height, width, c, at, ldc, acc);
                }
                if (done != null) done.finish(c, cOff + i * ldc, ldc, i0 + i, j0, height, cols);
            }
        }
    }

    static void mergeTile(float[] tile, int height, int width, float[] c, int cOff, int ldc, boolean acc) {
        for (int r = 0; r < height; r++) {
            int row = cOff + r * ldc, t = r * NR;
            if (width == NR) { // a full-width tile of the last rows: vector moves, c + tile as below
                FloatVector lo = FloatVector.fromArray(S, tile, t), hi = FloatVector.fromArray(S, tile, t + VL);
                if (acc) {
                    lo = FloatVector.fromArray(S, c, row).add(lo);
                    hi = FloatVector.fromArray(S, c, row + VL).add(hi);
                }
                lo.intoArray(c, row);
                hi.intoArray(c, row + VL);
            } else if (acc) {
                for (int j = 0; j < width; j++) c[row + j] += tile[t + j];
            } else {
                System.arraycopy(tile, t, c, row, width);
            }
        }
    }

}
