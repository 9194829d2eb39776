package org.magnet4j.tensor;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are views (shape, strides, offset) over it.
 * Only the owning backend looks inside; everything else goes through {@link Backend}.
 */
public abstract class Storage {
    private static final java.lang.invoke.VarHandle HOLDERS;

    static {
        try {
            HOLDERS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Storage.class, "holders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Backend backend;
    private final DType dtype;
    private final int numel;
    /** Tensors made over this storage and not yet released (a view that is dropped without release() counts forever). */
    @SuppressWarnings("unused") private volatile int holders;

    protected Storage(Backend backend, DType dtype, int numel) {
        this.backend = backend;
        this.dtype = dtype;
        this.numel = numel;
    }

    public final Backend backend() { return backend; }
    public final DType dtype() { return dtype; }
    public final int numel() { return numel; }
    public final Device device() { return backend.device(); }

    /** Counts one more tensor over this storage. */
    final void attach() { HOLDERS.getAndAdd(this, 1); }

    /** Counts one tensor less; returns how many remain: at zero no tensor can see this memory any more. */
    final int detach() { return (int) HOLDERS.getAndAdd(this, -1) - 1; }
}
