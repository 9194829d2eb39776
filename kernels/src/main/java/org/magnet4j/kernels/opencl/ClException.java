package org.magnet4j.kernels.opencl;

import org.jocl.CL;

/** An OpenCL call failed; the message names the call and the CL error (e.g. "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)"). */
public final class ClException extends RuntimeException {
    private final int code;

    public ClException(String call, int code, String detail) {
        super(call + ": " + errorName(code) + " (" + code + ")" + (detail == null || detail.isEmpty() ? "" : "\n" + detail));
        this.code = code;
    }

    public int code() { return code; }

    static String errorName(int code) {
        try {
            return CL.stringFor_errorCode(code);
        } catch (LinkageError e) {
            return "CL error";
        }
    }

    /** Throws when rc is not CL_SUCCESS. */
    static void check(String call, int rc) {
        if (rc != CL.CL_SUCCESS) throw new ClException(call, rc, null);
    }
}
