package org.magnet4j.convert;

import java.util.List;

/**
 * Our implementations of the torch functions a pickle uses to rebuild tensors. They validate their arguments and
 * return a {@link TensorRef} (a description of a view); no data is read here.
 */
final class TorchRebuild {
    private TorchRebuild() {}

    /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    static Object tensorV2(PyTuple a) {
        if (a.size() < 4 || a.size() > 7) throw new CorruptInputException("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + a.size());
        return tensorV1(a);
    }

    /** _rebuild_tensor(storage, offset, size, stride): the oldest form; v2 extends it with ignorable extras. */
    static Object tensorV1(PyTuple a) {
        if (a.size() < 4) throw new CorruptInputException("_rebuild_tensor takes 4 arguments, got " + a.size());
        if (!(a.get(0) instanceof StorageRef s))
            throw new CorruptInputException("tensor rebuilt over a " + PickleMachine.describe(a.get(0)) + " instead of a storage");
        long offset = PickleGlobals.asLong(a.get(1), "storage offset");
        long[] size = longs(a.get(2), "size");
        long[] stride = longs(a.get(3), "stride");
        return TensorRef.checked(s, offset, size, stride);
    }

    /** _rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter is just its tensor here. */
    static Object parameter(PyTuple a) {
        if (a.size() < 1 || !(a.get(0) instanceof TensorRef t))
            throw new CorruptInputException("_rebuild_parameter without a tensor");
        return t;
    }

    /** _rebuild_from_type_v2(func, new_type, args, state): only for plain tensors and parameters. */
    static Object fromTypeV2(PyTuple a) {
        if (a.size() != 4) throw new CorruptInputException("_rebuild_from_type_v2 takes 4 arguments, got " + a.size());
        if (!(a.get(1) instanceof PyType type)) throw new CorruptInputException("_rebuild_from_type_v2 of a " + PickleMachine.describe(a.get(1)));
        if (!(a.get(0) instanceof PyCallable f) || !(a.get(2) instanceof PyTuple args))
            throw new CorruptInputException("_rebuild_from_type_v2 with unsupported arguments for " + type);
        Object r = f.call(args);
        if (!(r instanceof TensorRef)) throw new CorruptInputException("_rebuild_from_type_v2 did not rebuild a tensor");
        return r;
    }

    private static long[] longs(Object o, String what) {
        List<Object> items;
        if (o instanceof PyTuple t) items = t.asList();
        else if (o instanceof List<?> l) items = new java.util.ArrayList<>(l);
        else throw new CorruptInputException("tensor " + what + " is a " + PickleMachine.describe(o) + ", not a tuple");
        if (items.size() > 64) throw new CorruptInputException("tensor " + what + " has " + items.size() + " dimensions");
        long[] r = new long[items.size()];
        for (int i = 0; i < r.length; i++) r[i] = PickleGlobals.asLong(items.get(i), "tensor " + what + " entry");
        return r;
    }
}
