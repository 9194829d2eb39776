package org.magnet4j.kernels.cuda;

import java.lang.ref.Cleaner;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Storage;

/** A device allocation holding numel elements of one dtype; the block goes back to the pool when this is unreachable. */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DevicePool.Block block;

    CudaStorage(Backend backend, DType dtype, int numel, DevicePool pool, DevicePool.Block block) {
        super(backend, dtype, numel);
        this.block = block;
        CLEANER.register(this, new Release(pool, block));
    }

    /** The device address of element 0. */
    long ptr() { return block.ptr(); }

    /** Holds no reference to the storage, so the storage can become unreachable. */
    private record Release(DevicePool pool, DevicePool.Block block) implements Runnable {
        @Override public void run() { pool.release(block); }
    }
}
