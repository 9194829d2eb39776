package org.magnet4j.kernels.cuda;

/**
 * A CUDA, cuBLAS, cuDNN or NVRTC call failed; the message names the call, the library's error name and its
 * description, e.g. "cuMemAlloc_v2(1073741824 bytes): CUDA_ERROR_OUT_OF_MEMORY (2): out of memory".
 */
public final class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String call, int code, String name, String description) {
        super(call + ": " + name + " (" + code + ")" + (description == null || description.isEmpty() ? "" : ": " + description));
        this.code = code;
    }

    public CudaException(String message) {
        super(message);
        this.code = 0;
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    /** The library's status code (CUresult, cublasStatus_t, cudnnStatus_t, nvrtcResult), 0 when none. */
    public int code() { return code; }
}
