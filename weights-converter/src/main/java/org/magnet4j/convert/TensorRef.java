package org.magnet4j.convert;

/**
 * A tensor as the pickle describes it: a view (offset into the root storage, shape, strides, in elements) over a
 * storage. Validated when
 * built, so every element it addresses lies inside the storage. Materialised later by {@link ViewMaterializer}.
 */
record TensorRef(StorageRef storage, long offset, int[] shape, long[] stride) {

    /** {@code offset} is relative to the storage ref (which may itself be a legacy view into its root). */
    static TensorRef checked(StorageRef storage, long offset, long[] size, long[] stride) {
        if (size.length != stride.length)
            throw new CorruptInputException("tensor has " + size.length + " sizes but " + stride.length + " strides");
        if (size.length > 64) throw new CorruptInputException("tensor has " + size.length + " dimensions");
        int[] shape = Shapes.checkedShape(size, "tensor over storage " + storage.key());
        if (offset < 0) throw new CorruptInputException("tensor has a negative storage offset " + offset);
        long numel = Shapes.numel(shape);
        if (numel > 0) {
            // The last element addressed must lie inside the storage; strides are never negative in torch.
            long last = offset;
            for (int i = 0; i < shape.length; i++) {
                if (stride[i] < 0) throw new CorruptInputException("tensor has a negative stride " + stride[i]);
                try {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1L, stride[i]));
                } catch (ArithmeticException e) {
                    throw new CorruptInputException("tensor strides " + Shapes.str(stride) + " overflow");
                }
            }
            if (last >= storage.numel())
                throw new CorruptInputException("tensor view (offset " + offset + ", shape " + Shapes.str(size) + ", strides "
                        + Shapes.str(stride) + ") reaches element " + last + " of storage " + storage.key() + " which holds "
                        + storage.numel() + " elements");
        }
        return new TensorRef(storage, storage.baseOffset() + offset, shape, stride.clone());
    }

    long numel() { return Shapes.numel(shape); }

    /** True when the view reads numel consecutive elements from offset. */
    boolean contiguous() {
        if (numel() <= 1) return true;
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
