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

/**
 * cuBLAS (libcublas.so.13 or .12) through FFM: one handle on the backend's stream, default math mode (no TF32),
 * and strided-batched S/DGEMM. cuBLAS is column-major; {@link #gemmRowMajor} computes a row-major product with the
 * transposition trick (C^T = B^T A^T: swap the operands and m/n).
 */
final class CuBlas {
    static final int CUBLAS_OP_N = 0, CUBLAS_OP_T = 1;
    static final int CUBLAS_DEFAULT_MATH = 0;

    final NativeLib lib;
    private final MethodHandle create, setStream, setMathMode, getVersion, statusString, sgemm, dgemm;
    final MemorySegment handle;
    final int version;

    CuBlas(CudaLibraries.Loaded loaded, MemorySegment stream) {
        lib = new NativeLib(loaded);
        create = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasCreate_v2");
        setStream = lib.need(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasSetStream_v2");
        setMathMode = lib.find(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cublasSetMathMode");
        getVersion = lib.find(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasGetVersion_v2");
        statusString = lib.find(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusString");
        FunctionDescriptor gemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
        sgemm = lib.need(gemm, "cublasSgemmStridedBatched");
        dgemm = lib.need(gemm, "cublasDgemmStridedBatched");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(p));
            handle = p.get(ADDRESS, 0);
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
            if (setMathMode != null) check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, CUBLAS_DEFAULT_MATH));
            int v = 0;
            if (getVersion != null) {
                MemorySegment vp = a.allocate(JAVA_INT);
                if ((int) getVersion.invokeExact(handle, vp) == 0) v = vp.get(JAVA_INT, 0);
            }
            version = v;
        } catch (Throwable t) {
            throw NativeLib.rethrow("cuBLAS initialisation", t);
        }
    }

    /** "13.0.2" from cuBLAS's MAJOR*10000 + MINOR*100 + PATCH (cuBLAS 11+), else the raw number. */
    static String versionString(int v) {
        if (v <= 0) return "unknown version";
        return v >= 10000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) : Integer.toString(v);
    }

    void check(String call, int status) {
        if (status == 0) return;
        String s = "";
        if (statusString != null) {
            try {
                MemorySegment p = (MemorySegment) statusString.invokeExact(status);
                if (!p.equals(MemorySegment.NULL)) s = p.reinterpret(256).getString(0);
            } catch (Throwable t) {
                // keep the code only
            }
        }
        throw new CudaException(call, status, s.isEmpty() ? "CUBLAS_STATUS_" + status : s, null);
    }

    /**
     * Row-major C[z] = op(A[z]) op(B[z]) (+ C[z] when accumulate) for z in [0, batch), element addresses in bytes,
     * strides in elements. op(A) is m x k (transA: A^T is stored, ld = lda), op(B) is k x n, C is m x n with ldc.
     */
    void gemmRowMajor(boolean dbl, int m, int n, int k, long a, int lda, boolean transA, long strideA, long b, int ldb, boolean transB,
                      long strideB, long c, int ldc, long strideC, int batch, boolean accumulate) {
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment alpha, beta;
            if (dbl) {
                alpha = ar.allocateFrom(JAVA_DOUBLE, 1.0);
                beta = ar.allocateFrom(JAVA_DOUBLE, accumulate ? 1.0 : 0.0);
            } else {
                alpha = ar.allocateFrom(JAVA_FLOAT, 1f);
                beta = ar.allocateFrom(JAVA_FLOAT, accumulate ? 1f : 0f);
            }
            // column-major: C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m)
            MethodHandle h = dbl ? dgemm : sgemm;
            int rc = (int) h.invokeExact(handle, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k,
                    alpha, b, ldb, strideB, a, lda, strideA, beta, c, ldc, strideC, batch);
            if (rc != 0) check((dbl ? "cublasDgemmStridedBatched" : "cublasSgemmStridedBatched") + "(m=" + n + ", n=" + m + ", k=" + k
                    + ", lda=" + ldb + ", ldb=" + lda + ", ldc=" + ldc + ", batch=" + batch + ")", rc);
        } catch (Throwable t) {
            throw NativeLib.rethrow("cublasGemmStridedBatched", t);
        }
    }
}
