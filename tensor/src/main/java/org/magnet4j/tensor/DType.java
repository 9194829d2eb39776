package org.magnet4j.tensor;

/** Element types. float32 is the compute type; float64 is for checks; the rest are storage or index types. */
public enum DType {
    FLOAT32(4, true, "float32"),
    FLOAT64(8, true, "float64"),
    FLOAT16(2, true, "float16"),
    BFLOAT16(2, true, "bfloat16"),
    INT64(8, false, "int64"),
    INT32(4, false, "int32"),
    UINT8(1, false, "uint8"),
    BOOL(1, false, "bool");

    private final int byteSize;
    private final boolean floating;
    private final String displayName;

    DType(int byteSize, boolean floating, String displayName) {
        this.byteSize = byteSize;
        this.floating = floating;
        this.displayName = displayName;
    }

    public int byteSize() { return byteSize; }

    public boolean isFloating() { return floating; }

    /** True for the two dtypes kernels compute in; half types are widened to float32 first. */
    public boolean isComputeFloat() { return this == FLOAT32 || this == FLOAT64; }

    @Override public String toString() { return displayName; }

    /** float16 bits to float (IEEE 754 binary16). */
    public static float halfToFloat(short bits) { return Float.float16ToFloat(bits); }

    public static short floatToHalf(float v) { return Float.floatToFloat16(v); }

    /** bfloat16 bits are the top 16 bits of a float32. */
    public static float bfloat16ToFloat(short bits) { return Float.intBitsToFloat((bits & 0xffff) << 16); }

    /** Round-to-nearest-even, as PyTorch does. */
    public static short floatToBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) 0x7fc0;
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
