package org.magnet4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * cuDNN's legacy convolution API (present in cuDNN 8 and 9) through FFM: tensor/filter/convolution descriptors,
 * group count and math type, the _v7 algorithm heuristics, workspace sizes, forward, backward data and backward
 * filter, and cudnnAddTensor. Float32 convolutions run with CUDNN_FMA_MATH (no TF32), so results stay within
 * float32 rounding of the CPU backend's.
 */
final class CuDnn {
    static final int CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1;
    static final int CUDNN_TENSOR_NCHW = 0;
    static final int CUDNN_CROSS_CORRELATION = 1;
    static final int CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2, CUDNN_FMA_MATH = 3;
    /** cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: algo, status, time, (pad), memory, determinism, mathType, reserved[3]. */
    static final long PERF_BYTES = 48;

    enum Kind { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /** One candidate algorithm from the heuristics. */
    record Perf(int algo, int status, long memory, boolean deterministic, int mathType) {}

    final NativeLib lib;
    final long version;
    final MemorySegment handle;
    private final MethodHandle getVersion, errorString, create, setStream, createTensor, setTensor4dEx, createFilter, setFilter4d,
            createConv, setConv2d, setGroupCount, setMathType, addTensor;
    private final MethodHandle[] maxCount = new MethodHandle[3], getAlgo = new MethodHandle[3], wsSize = new MethodHandle[3], run = new MethodHandle[3];

    CuDnn(CudaLibraries.Loaded loaded, MemorySegment stream) {
        lib = new NativeLib(loaded);
        getVersion = lib.need(FunctionDescriptor.of(JAVA_LONG), "cudnnGetVersion");
        errorString = lib.need(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cudnnGetErrorString");
        create = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cudnnCreate");
        setStream = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cudnnSetStream");
        FunctionDescriptor createDesc = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        createTensor = lib.need(createDesc, "cudnnCreateTensorDescriptor");
        setTensor4dEx = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT), "cudnnSetTensor4dDescriptorEx");
        createFilter = lib.need(createDesc, "cudnnCreateFilterDescriptor");
        setFilter4d = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                "cudnnSetFilter4dDescriptor");
        createConv = lib.need(createDesc, "cudnnCreateConvolutionDescriptor");
        setConv2d = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT), "cudnnSetConvolution2dDescriptor");
        setGroupCount = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cudnnSetConvolutionGroupCount");
        setMathType = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cudnnSetConvolutionMathType");
        addTensor = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), "cudnnAddTensor");
        FunctionDescriptor count = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        // (handle, in1, in2, conv, out, requested, returned*, perf*) with the descriptors in each call's order
        FunctionDescriptor algo = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        FunctionDescriptor ws = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        // (handle, alpha, d1, p1, d2, p2, conv, algo, ws, wsSize, beta, dOut, pOut)
        FunctionDescriptor exec = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT,
                JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        String[] names = {"Forward", "BackwardData", "BackwardFilter"};
        for (int i = 0; i < 3; i++) {
            maxCount[i] = lib.need(count, "cudnnGetConvolution" + names[i] + "AlgorithmMaxCount");
            getAlgo[i] = lib.need(algo, "cudnnGetConvolution" + names[i] + "Algorithm_v7");
            wsSize[i] = lib.need(ws, "cudnnGetConvolution" + names[i] + "WorkspaceSize");
            run[i] = lib.need(exec, "cudnnConvolution" + names[i]);
        }
        try {
            version = (long) getVersion.invokeExact();
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnGetVersion", t);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cudnnCreate", (int) create.invokeExact(p));
            handle = p.get(ADDRESS, 0);
            check("cudnnSetStream", (int) setStream.invokeExact(handle, stream));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnCreate", t);
        }
    }

    /**
     * cudnnGetVersion() as "major.minor.patch": cuDNN 9 encodes MAJOR*10000 + MINOR*100 + PATCH (90300 = 9.3.0),
     * cuDNN 8 and older MAJOR*1000 + MINOR*100 + PATCH (8907 = 8.9.7).
     */
    static int[] decodeVersion(long v) {
        if (v >= 90000) return new int[] {(int) (v / 10000), (int) (v / 100 % 100), (int) (v % 100)};
        return new int[] {(int) (v / 1000), (int) (v / 100 % 10), (int) (v % 100)};
    }

    static String versionString(long v) {
        int[] d = decodeVersion(v);
        return d[0] + "." + d[1] + "." + d[2];
    }

    void check(String call, int status) {
        if (status == 0) return;
        throw new CudaException(call, status, statusName(status), null);
    }

    String statusName(int status) {
        try {
            MemorySegment p = (MemorySegment) errorString.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "CUDNN_STATUS_" + status : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "CUDNN_STATUS_" + status;
        }
    }

    private MemorySegment newDesc(MethodHandle h, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check(call, (int) h.invokeExact(p));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLib.rethrow(call, t);
        }
    }

    /** A contiguous NCHW tensor descriptor. */
    MemorySegment tensor(int dataType, int n, int c, int h, int w) {
        MemorySegment d = newDesc(createTensor, "cudnnCreateTensorDescriptor");
        try {
            check("cudnnSetTensor4dDescriptorEx(" + n + "," + c + "," + h + "," + w + ")",
                    (int) setTensor4dEx.invokeExact(d, dataType, n, c, h, w, c * h * w, h * w, w, 1));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnSetTensor4dDescriptorEx", t);
        }
        return d;
    }

    MemorySegment filter(int dataType, int k, int c, int h, int w) {
        MemorySegment d = newDesc(createFilter, "cudnnCreateFilterDescriptor");
        try {
            check("cudnnSetFilter4dDescriptor", (int) setFilter4d.invokeExact(d, dataType, CUDNN_TENSOR_NCHW, k, c, h, w));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnSetFilter4dDescriptor", t);
        }
        return d;
    }

    MemorySegment convolution(int dataType, int padH, int padW, int sH, int sW, int dH, int dW, int groups) {
        MemorySegment d = newDesc(createConv, "cudnnCreateConvolutionDescriptor");
        try {
            check("cudnnSetConvolution2dDescriptor", (int) setConv2d.invokeExact(d, padH, padW, sH, sW, dH, dW, CUDNN_CROSS_CORRELATION, dataType));
            if (groups != 1) check("cudnnSetConvolutionGroupCount(" + groups + ")", (int) setGroupCount.invokeExact(d, groups));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnSetConvolution2dDescriptor", t);
        }
        return d;
    }

    /** Sets the math type; returns false when this cuDNN rejects it (e.g. FMA math before cuDNN 8). */
    boolean mathType(MemorySegment conv, int type) {
        try {
            return (int) setMathType.invokeExact(conv, type) == 0;
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnSetConvolutionMathType", t);
        }
    }

    /** The heuristics' candidates, best first; in1/in2/out are the descriptors in the order of that kind's call. */
    List<Perf> candidates(Kind kind, MemorySegment in1, MemorySegment in2, MemorySegment conv, MemorySegment out) {
        int k = kind.ordinal();
        String call = "cudnnGetConvolution" + kindName(kind) + "Algorithm_v7";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cnt = a.allocate(JAVA_INT);
            check("cudnnGetConvolution" + kindName(kind) + "AlgorithmMaxCount", (int) maxCount[k].invokeExact(handle, cnt));
            int max = Math.max(cnt.get(JAVA_INT, 0), 1);
            MemorySegment perf = a.allocate(PERF_BYTES * max, 8);
            MemorySegment ret = a.allocate(JAVA_INT);
            check(call, (int) getAlgo[k].invokeExact(handle, in1, in2, conv, out, max, ret, perf));
            List<Perf> list = new ArrayList<>();
            for (int i = 0; i < ret.get(JAVA_INT, 0); i++) {
                long o = i * PERF_BYTES;
                list.add(new Perf(perf.get(JAVA_INT, o), perf.get(JAVA_INT, o + 4), perf.get(JAVA_LONG, o + 16), perf.get(JAVA_INT, o + 24) == 1,
                        perf.get(JAVA_INT, o + 28)));
            }
            return list;
        } catch (Throwable t) {
            throw NativeLib.rethrow(call, t);
        }
    }

    static String kindName(Kind kind) {
        return switch (kind) { case FORWARD -> "Forward"; case BACKWARD_DATA -> "BackwardData"; case BACKWARD_FILTER -> "BackwardFilter"; };
    }

    /** Workspace bytes for an algorithm, or -1 with the status when cuDNN refuses it for these descriptors. */
    long workspace(Kind kind, MemorySegment in1, MemorySegment in2, MemorySegment conv, MemorySegment out, int algo) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int rc = (int) wsSize[kind.ordinal()].invokeExact(handle, in1, in2, conv, out, algo, p);
            return rc == 0 ? p.get(JAVA_LONG, 0) : -1;
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnGetConvolution" + kindName(kind) + "WorkspaceSize", t);
        }
    }

    /**
     * Runs one kind: forward (x, w -> y), backward data (w, dy -> dx), backward filter (x, dy -> dw); d1/p1 and d2/p2
     * are the inputs in that order. Returns the cudnnStatus_t (0 on success) so the caller can try another algorithm.
     */
    int execute(Kind kind, boolean dbl, MemorySegment d1, long p1, MemorySegment d2, long p2, MemorySegment conv, int algo, long ws, long wsBytes,
                MemorySegment dOut, long pOut) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment alpha = dbl ? a.allocateFrom(JAVA_DOUBLE, 1.0) : a.allocateFrom(JAVA_FLOAT, 1f);
            MemorySegment beta = dbl ? a.allocateFrom(JAVA_DOUBLE, 0.0) : a.allocateFrom(JAVA_FLOAT, 0f);
            return (int) run[kind.ordinal()].invokeExact(handle, alpha, d1, p1, d2, p2, conv, algo, ws, wsBytes, beta, dOut, pOut);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnConvolution" + kindName(kind), t);
        }
    }

    /** C += A (A broadcast over C's size-1 dims), e.g. a [1,O,1,1] bias onto [N,O,H,W]. */
    void addTensor(boolean dbl, MemorySegment aDesc, long a, MemorySegment cDesc, long c) {
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment one = dbl ? ar.allocateFrom(JAVA_DOUBLE, 1.0) : ar.allocateFrom(JAVA_FLOAT, 1f);
            check("cudnnAddTensor", (int) addTensor.invokeExact(handle, one, aDesc, a, one, cDesc, c));
        } catch (Throwable t) {
            throw NativeLib.rethrow("cudnnAddTensor", t);
        }
    }
}
