package org.magnet4j.tensor;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are views (shape, strides, offset) over it.
 * Only the owning backend looks inside; everything else goes through {@link Backend}.
 */
public abstract class Storage {
    private final Backend backend;
    private final DType dtype;
    private final int numel;

    protected Storage(Backend backend, DType dtype, int numel) {
        this.backend = backend;
        this.dtype = dtype;
        this.numel = numel;
    }

    public final Backend backend() { return backend; }
    public final DType dtype() { return dtype; }
    public final int numel() { return numel; }
    public final Device device() { return backend.device(); }
}
