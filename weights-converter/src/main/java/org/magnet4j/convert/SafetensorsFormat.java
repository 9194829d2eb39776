package org.magnet4j.convert;

import org.magnet4j.tensor.DType;

/** The safetensors dtype names (https://github.com/huggingface/safetensors, format section) and their sizes. */
final class SafetensorsFormat {
    /** The reference implementation refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER = 100_000_000L;

    private SafetensorsFormat() {}

    static String name(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    /** The storage type a safetensors dtype reads as (I8/I16 widen to int32); null when unsupported. */
    static StorageType storageType(String name) {
        return switch (name) {
            case "F32" -> StorageType.FLOAT;
            case "F64" -> StorageType.DOUBLE;
            case "F16" -> StorageType.HALF;
            case "BF16" -> StorageType.BFLOAT16;
            case "I64" -> StorageType.LONG;
            case "I32" -> StorageType.INT;
            case "I16" -> StorageType.SHORT;
            case "I8" -> StorageType.CHAR;
            case "U8" -> StorageType.BYTE;
            case "BOOL" -> StorageType.BOOL;
            default -> null;
        };
    }
}
