package org.magnet4j.kernels.opencl;

import java.lang.ref.Cleaner;
import org.jocl.cl_mem;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Storage;

/** A device buffer holding numel elements of one dtype; the buffer goes back to the pool when this is unreachable. */
public final class OpenClStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final BufferPool.Block block;

    OpenClStorage(Backend backend, DType dtype, int numel, BufferPool pool, BufferPool.Block block) {
        super(backend, dtype, numel);
        this.block = block;
        CLEANER.register(this, new Release(pool, block));
    }

    cl_mem mem() { return block.mem(); }

    /** Holds no reference to the storage, so the storage can become unreachable. */
    private record Release(BufferPool pool, BufferPool.Block block) implements Runnable {
        @Override public void run() { pool.release(block); }
    }
}
