package org.magnet4j.convert;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.magnet4j.tensor.DType;

/**
 * The typed storages torch.save names in its persistent ids ({@code torch.FloatStorage} ...): element size on
 * disk, and the engine dtype the elements load as. int8/int16 have no engine dtype and widen (exactly) to int32.
 */
enum StorageType {
    FLOAT("FloatStorage", 4, DType.FLOAT32),
    DOUBLE("DoubleStorage", 8, DType.FLOAT64),
    HALF("HalfStorage", 2, DType.FLOAT16),
    BFLOAT16("BFloat16Storage", 2, DType.BFLOAT16),
    LONG("LongStorage", 8, DType.INT64),
    INT("IntStorage", 4, DType.INT32),
    SHORT("ShortStorage", 2, DType.INT32),
    CHAR("CharStorage", 1, DType.INT32),
    BYTE("ByteStorage", 1, DType.UINT8),
    BOOL("BoolStorage", 1, DType.BOOL);

    final String torchName;
    final int elementSize;
    final DType dtype;

    StorageType(String torchName, int elementSize, DType dtype) {
        this.torchName = torchName;
        this.elementSize = elementSize;
        this.dtype = dtype;
    }

    int elementSize() { return elementSize; }

    static StorageType byTorchName(String name) {
        for (StorageType t : values()) if (t.torchName.equals(name)) return t;
        return null;
    }

    /** The on-disk element layout (unaligned: zip entries and legacy streams give no alignment guarantee). */
    ValueLayout layout(ByteOrder order) {
        return switch (this) {
            case FLOAT -> ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
            case DOUBLE -> ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
            case HALF, BFLOAT16, SHORT -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case LONG -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
            case INT -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            case CHAR, BYTE, BOOL -> ValueLayout.JAVA_BYTE;
        };
    }

    @Override public String toString() { return "torch." + torchName; }
}
