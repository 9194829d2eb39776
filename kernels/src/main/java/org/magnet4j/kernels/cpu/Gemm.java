package org.magnet4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major matrix products C = A x B (+ C when accumulating). The float32 path is a register-blocked
 * Vector API kernel (12 rows x 2 vectors of accumulators, FMA over K; {@link PackedAKernels}) over A packed once
 * per product ({@link PackedA}) and B packed into zero-padded, contiguous strips; products of at most
 * {@link #IN_PLACE_MAX_M} rows whose B is cached read B where it lies (6 or 9 rows at a time). The float64 path is
 * a plain reference loop used for checks.
 *
 * <p>Numerics: each KC-deep slice of K is summed from zero (one FMA per step, in K order) and then added to
 * C, so every element's rounding is fixed by KC alone, whatever the blocking, threads or edge handling.
 * Changing KC changes results bit for bit (and with them tie-sensitive pipeline picks); the tests pin it.
 */
public final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /**
     * Register tile of the in-place path (B read where it lies, A in place): MR rows x NR columns = 12 accumulators
     * (of 32 AVX-512 registers), 8 loads per 12 FMAs. The packed path runs {@link PackedAKernels}' 12 x NR tile.
     */
    static final int MR = 6;
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
        final float[] rows = new float[MR * KC];
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
        /** B read in place, A read in place by the 6-row kernels ({@link #panelInPlace}). */
        FEW_ROWS_IN_PLACE(MR);

        /** Rows per register tile: tasks split the rows in multiples of it. */
        final int rows;

        TaskKind(int rows) { this.rows = rows; }
    }

    /** The task split; c == null means each task's block of C lives in its thread's scratch (sink mode). */
    private static void run(int m, int n, int k, float[] a, int aOff, int lda, PanelSource b,
                            float[] c, int cOff, int ldc, boolean accumulate, TileSink sink) {
        float[] inPlace = m <= IN_PLACE_MAX_M || b.inPlaceForManyRows() ? b.inPlaceArray() : null;
        // From 12 rows on, a source that reads well in place takes the 12-row kernel over packed A with B in place
        // (HRNet's 18 x 32768 x 162: 0.61-0.62 ms against 0.72-0.73 as two nine-row groups, alternated JMH); below
        // 12 rows the few-row kernels waste less (the FPN's 512 -> 7 classifier: 6.4 ms against 7.2-7.4).
        TaskKind kind = inPlace == null ? TaskKind.PACKED
                : m >= PackedA.MR && b.inPlaceForManyRows() ? TaskKind.PACKED_A_IN_PLACE
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
                    case FEW_ROWS_IN_PLACE -> panelInPlace(i0, rows, j0, cols, k, a, aOff + i0 * lda, lda, b, inPlace, rowOff, dst, at, ld, acc, sink, s);
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
            packStrips(b, p0, depth, j0, cols, s);
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
                    if (stored == PackedA.MR) PackedAKernels.micro12(depth, pa.data, aAt, s.panel, bAt, dst, dstOff, dstLd);
                    else PackedAKernels.micro6(depth, pa.data, aAt, s.panel, bAt, dst, dstOff, dstLd);
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
        for (int p0 = 0; p0 < k; p0 += KC) packStrips(b, p0, Math.min(KC, k - p0), j0, cols, panel, p0 * sliceStride, s.row);
        for (int i = 0; i < rows; i += PackedA.MR) {
            int stored = pa.height(i0 + i), height = Math.min(stored, rows - i);
            for (int st = 0; st < strips; st++) {
                int j = st * NR, width = Math.min(NR, cols - j), at = cOff + i * ldc + j;
                if (accumulate) loadTile(c, at, ldc, height, width, sum);
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int depth = Math.min(KC, k - p0), aAt = pa.offset(p0, i0 + i), bAt = p0 * sliceStride + st * depth * NR;
                    boolean first = p0 == 0 && !accumulate;
                    float[] dst = first ? sum : part;
                    if (stored == PackedA.MR) PackedAKernels.micro12(depth, pa.data, aAt, panel, bAt, dst, 0, NR);
                    else PackedAKernels.micro6(depth, pa.data, aAt, panel, bAt, dst, 0, NR);
                    if (!first) addTile(part, sum, stored);
                }
                storeTile(sum, height, width, c, at, ldc);
            }
            if (sink != null) sink.finish(c, cOff + i * ldc, ldc, i0 + i, j0, height, cols);
        }
    }

    /** sum[r] = sum[r] + part[r] for the first rows of two NR-wide tiles (mergeTile's c + tile, operands swapped: same bits). */
    private static void addTile(float[] part, float[] sum, int rows) {
        for (int t = 0, end = rows * NR; t < end; t += VL) FloatVector.fromArray(S, sum, t).add(FloatVector.fromArray(S, part, t)).intoArray(sum, t);
    }

    /** C's height x width block at c[at] into an NR-wide tile. */
    private static void loadTile(float[] c, int at, int ldc, int height, int width, float[] tile) {
        for (int r = 0; r < height; r++) System.arraycopy(c, at + r * ldc, tile, r * NR, width);
    }

    /** The tile's height x width corner into C at c[at]. */
    private static void storeTile(float[] tile, int height, int width, float[] c, int at, int ldc) {
        for (int r = 0; r < height; r++) {
            int row = at + r * ldc, t = r * NR;
            if (width == NR) {
                FloatVector.fromArray(S, tile, t).intoArray(c, row);
                FloatVector.fromArray(S, tile, t + VL).intoArray(c, row + VL);
            } else {
                System.arraycopy(tile, t, c, row, width);
            }
        }
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
            if (tail > 0) packStrips(b, p0, depth, j0 + fullStrips * NR, tail, s); // the ragged strip, zero-padded
            for (int i = 0; i < rows; i += PackedA.MR) {
                int stored = pa.height(i0 + i), height = Math.min(stored, rows - i), aAt = pa.offset(p0, i0 + i);
                for (int st = 0; st <= fullStrips; st++) {
                    int j = st * NR, width = st < fullStrips ? NR : tail, at = cOff + i * ldc + j;
                    if (width == 0) break;
                    boolean direct = height == stored && width == NR && !acc;
                    float[] dst = direct ? c : s.tile;
                    int dstOff = direct ? at : 0, dstLd = direct ? ldc : NR;
                    if (width < NR) {
                        if (stored == PackedA.MR) PackedAKernels.micro12(depth, pa.data, aAt, s.panel, 0, dst, dstOff, dstLd);
                        else PackedAKernels.micro6(depth, pa.data, aAt, s.panel, 0, dst, dstOff, dstLd);
                    } else if (stored == PackedA.MR) PackedAKernels.micro12InPlace(depth, pa.data, aAt, bArr, rowOff, p0, j0 + j, dst, dstOff, dstLd);
                    else PackedAKernels.micro6InPlace(depth, pa.data, aAt, bArr, rowOff, p0, j0 + j, dst, dstOff, dstLd);
                    if (!direct) mergeTile(s.tile, height, width, c, at, ldc, acc);
                }
                if (done != null) done.finish(c, cOff + i * ldc, ldc, i0 + i, j0, height, cols);
            }
        }
    }

    /**
     * One task with B read where it lies (see {@link PanelSource#inPlaceArray()}): no packing. Strips are the
     * outer loop so that a strip's rows, once loaded, stay in L1 for every group of rows of A. Same slices, same
     * order of products and sums as {@link #panel}: bit-identical results. Only a last, narrower strip is packed
     * (its zero padding must not be read from beyond the row).
     */
    private static void panelInPlace(int i0, int rows, int j0, int cols, int k, float[] a, int aOff, int lda, PanelSource b,
                                     float[] bArr, int[] rowOff, float[] c, int cOff, int ldc, boolean accumulate,
                                     TileSink sink, PackSpace s) {
        int fullStrips = cols / NR, tail = cols - fullStrips * NR, lastHeight = rows % MR, lastRow = rows - lastHeight;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int depth = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            if (lastHeight > 0) copyRows(a, aOff + lastRow * lda + p0, lda, lastHeight, depth, s.rows);
            for (int st = 0; st <= fullStrips; st++) {
                int j = st * NR, col = j0 + j, width = st < fullStrips ? NR : tail;
                if (width == 0) break;
                boolean packed = width < NR; // the ragged last strip, packed with zeros past the row's end
                if (packed) packStrips(b, p0, depth, col, width, s);
                for (int i = 0; i < rows; i += MR) {
                    int height = Math.min(MR, rows - i), at = cOff + i * ldc + j;
                    if (height == MR && !packed) {
                        microInPlace(depth, a, aOff + i * lda + p0, lda, bArr, rowOff, p0, col, c, at, ldc, acc);
                        continue;
                    }
                    // an edge tile into scratch, the part inside C kept; the last rows come zero-padded from s.rows
                    float[] ar = height < MR ? s.rows : a;
                    int arOff = height < MR ? 0 : aOff + i * lda + p0, arLd = height < MR ? depth : lda;
                    if (packed && height == 1) microRow(depth, ar, arOff, s.panel, 0, s.tile);
                    else if (packed) micro(depth, ar, arOff, arLd, s.panel, 0, s.tile, 0, NR, false);
                    else if (height == 1) microRowInPlace(depth, ar, arOff, bArr, rowOff, p0, col, s.tile);
                    else microInPlace(depth, ar, arOff, arLd, bArr, rowOff, p0, col, s.tile, 0, NR, false);
                    mergeTile(s.tile, height, width, c, at, ldc, acc);
                }
            }
        }
        if (sink != null)
            for (int i = 0; i < rows; i += MR) sink.finish(c, cOff + i * ldc, ldc, i0 + i, j0, Math.min(MR, rows - i), cols);
    }

    /**
     * B's depth x cols block as NR-wide strips, each depth x NR contiguous, the last one zero-padded. A stored B
     * goes four rows at a time ({@link #packMatrixStrips}); other sources one row segment at a time.
     */
    static void packStrips(PanelSource b, int p0, int depth, int j0, int cols, PackSpace s) {
        packStrips(b, p0, depth, j0, cols, s.panel, 0, s.row);
    }

    /** As above into panel from index base on (rowBuf: room for a row segment of a source that computes them). */
    static void packStrips(PanelSource b, int p0, int depth, int j0, int cols, float[] panel, int base, float[] rowBuf) {
        int full = cols - cols % NR, step = depth * NR;
        if (b instanceof PanelSource.Matrix mb) {
            packMatrixStrips(mb.b(), mb.off() + p0 * mb.ldb() + j0, mb.ldb(), depth, cols, full, step, panel, base);
            return;
        }
        for (int p = 0; p < depth; p++) packRow(b.row(p0 + p, j0, cols, rowBuf), cols, full, step, panel, base + p * NR);
    }

    /**
     * {@link #packStrips} of a stored B (row p at x[at + p * ldb]), four rows at a time with their loads interleaved:
     * four row streams keep more cache misses in flight than one, and packing a B whose rows lie far apart waits on
     * misses (576 rows of a 32768-wide B: 2.05 ms against 2.7 ms a row at a time, 2 threads; 1024^3 6.5-6.9 ms against
     * 7.1-7.2 in alternated JMH, 2026-12-01). Sources that compute their rows keep one row at a time: with four
     * buffers the FPN's forward allocated 50 MB instead of 28 (row segments no longer scalar-replaced) and ran 5% slower.
     */
    private static void packMatrixStrips(float[] x, int at, int ldb, int depth, int cols, int full, int step, float[] panel, int base) {
        int p = 0;
        for (; p + 4 <= depth; p += 4, at += 4 * ldb) {
            int at1 = at + ldb, at2 = at1 + ldb, at3 = at2 + ldb, j = 0, dst = base + p * NR;
            for (; j < full; j += NR, dst += step) { // the stride hoisted into `step`, as in packRow
                FloatVector a0 = FloatVector.fromArray(S, x, at + j), a1 = FloatVector.fromArray(S, x, at + j + VL);
                FloatVector b0 = FloatVector.fromArray(S, x, at1 + j), b1 = FloatVector.fromArray(S, x, at1 + j + VL);
                FloatVector c0 = FloatVector.fromArray(S, x, at2 + j), c1 = FloatVector.fromArray(S, x, at2 + j + VL);
                FloatVector d0 = FloatVector.fromArray(S, x, at3 + j), d1 = FloatVector.fromArray(S, x, at3 + j + VL);
                a0.intoArray(panel, dst); a1.intoArray(panel, dst + VL);
                b0.intoArray(panel, dst + NR); b1.intoArray(panel, dst + NR + VL);
                c0.intoArray(panel, dst + 2 * NR); c1.intoArray(panel, dst + 2 * NR + VL);
                d0.intoArray(panel, dst + 3 * NR); d1.intoArray(panel, dst + 3 * NR + VL);
            }
            if (j < cols) {
                packTail(x, at + j, cols - j, panel, dst);
                packTail(x, at1 + j, cols - j, panel, dst + NR);
                packTail(x, at2 + j, cols - j, panel, dst + 2 * NR);
                packTail(x, at3 + j, cols - j, panel, dst + 3 * NR);
            }
        }
        for (; p < depth; p++, at += ldb) packRow(new PanelSource.Segment(x, at), cols, full, step, panel, base + p * NR);
    }

    private static void packRow(PanelSource.Segment row, int cols, int full, int step, float[] panel, int dst) {
        float[] src = row.array();
        int at = row.offset(), j = 0;
        // Two vector moves beat a short arraycopy call. The stride is hoisted into `step`: with "dst += depth * NR"
        // in the update C2 compiled a loop that took twice as long (a 60x32768x576 product 11.0 ms instead of
        // 9.2 ms in alternated runs; the profile had put a third of the product in this loop).
        for (; j < full; j += NR, dst += step) {
            FloatVector.fromArray(S, src, at + j).intoArray(panel, dst);
            FloatVector.fromArray(S, src, at + j + VL).intoArray(panel, dst + VL);
        }
        if (j < cols) packTail(src, at + j, cols - j, panel, dst);
    }

    /** The last, narrower strip's step: the values, then zeros to NR. */
    private static void packTail(float[] src, int at, int width, float[] panel, int dst) {
        System.arraycopy(src, at, panel, dst, width);
        java.util.Arrays.fill(panel, dst + width, dst + NR, 0f);
    }

    private static void copyRows(float[] a, int off, int lda, int height, int depth, float[] dst) {
        for (int r = 0; r < MR; r++) {
            if (r < height) System.arraycopy(a, off + r * lda, dst, r * depth, depth);
            else java.util.Arrays.fill(dst, r * depth, (r + 1) * depth, 0f);
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

    /**
     * C[6 x NR] (+)= A[6 x k] x strip[k x NR]: twelve accumulators summed from zero, then added to C.
     * A is read in place (row stride lda), the strip is contiguous (NR floats per step of k).
     */
    private static void micro(int k, float[] a, int aOff, int lda, float[] b, int bOff,
                              float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff, acc);
        store(c10, c11, c, cOff + ldc, acc);
        store(c20, c21, c, cOff + 2 * ldc, acc);
        store(c30, c31, c, cOff + 3 * ldc, acc);
        store(c40, c41, c, cOff + 4 * ldc, acc);
        store(c50, c51, c, cOff + 5 * ldc, acc);
    }

    /** {@link #micro} with strip step p read in place: bArr[rowOff[base + p] + col ...]. */
    private static void microInPlace(int k, float[] a, int aOff, int lda, float[] bArr, int[] rowOff, int base, int col,
                                     float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++) {
            int bp = rowOff[base + p] + col;
            FloatVector b0 = FloatVector.fromArray(S, bArr, bp), b1 = FloatVector.fromArray(S, bArr, bp + VL);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        store(c00, c01, c, cOff, acc);
        store(c10, c11, c, cOff + ldc, acc);
        store(c20, c21, c, cOff + 2 * ldc, acc);
        store(c30, c31, c, cOff + 3 * ldc, acc);
        store(c40, c41, c, cOff + 4 * ldc, acc);
        store(c50, c51, c, cOff + 5 * ldc, acc);
    }

    /** {@link #microRow} with B read in place as in {@link #microInPlace}. */
    private static void microRowInPlace(int k, float[] a, int aOff, float[] bArr, int[] rowOff, int base, int col, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = rowOff[base + p] + col;
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c0 = FloatVector.fromArray(S, bArr, bp).fma(x, c0);
            c1 = FloatVector.fromArray(S, bArr, bp + VL).fma(x, c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, VL);
    }

    /** The first row of {@link #micro} alone (into tile[0 .. NR)): a lone last row of A costs 2 FMAs a step, not 12. */
    private static void microRow(int k, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * NR;
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c0 = FloatVector.fromArray(S, b, bp).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bp + VL).fma(x, c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, VL);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int at, boolean acc) {
        if (acc) {
            lo = lo.add(FloatVector.fromArray(S, c, at));
            hi = hi.add(FloatVector.fromArray(S, c, at + VL));
        }
        lo.intoArray(c, at);
        hi.intoArray(c, at + VL);
    }

    /**
     * float64: C (+)= A x B, same layout rules. Each element is summed over k in order, a product then an add,
     * from zero (the plain triple loop's arithmetic, so the checking path's numbers never depend on blocking).
     * Rows of C go in blocks whose accumulators stay in cache while each row of B is read once per block
     * (streaming B once per row of C made OCR's float64 context a tenth of an HRNet forward).
     */
    public static void dgemm(int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        int rowsPer = Math.max(1, Math.min((1 << 15) / n, (m + Parallel.threads() - 1) / Parallel.threads())); // <= 256 KB
        int blocks = (m + rowsPer - 1) / rowsPer;
        Parallel.forRange(blocks, Math.max(1, (1 << 16) / Math.max(1, rowsPer * n * Math.max(k, 1))), (lo, hi) -> {
            double[] acc = new double[rowsPer * n];
            for (int blk = lo; blk < hi; blk++) {
                int i0 = blk * rowsPer, rows = Math.min(rowsPer, m - i0);
                java.util.Arrays.fill(acc, 0, rows * n, 0);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * ldb;
                    for (int r = 0; r < rows; r++) {
                        double av = a[aOff + (i0 + r) * lda + p];
                        for (int j = 0, o = r * n; j < n; j++) acc[o + j] += av * b[bp + j];
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int cr = cOff + (i0 + r) * ldc, o = r * n;
                    for (int j = 0; j < n; j++) c[cr + j] = accumulate ? c[cr + j] + acc[o + j] : acc[o + j];
                }
            }
        });
    }
}
