package org.magnet4j.convert;

import java.util.Arrays;
import java.util.List;

/** A Python tuple from a pickle: immutable, may hold None (null). */
final class PyTuple {
    static final PyTuple EMPTY = new PyTuple(new Object[0]);

    private final Object[] items;

    PyTuple(Object[] items) { this.items = items; }

    int size() { return items.length; }

    Object get(int i) { return items[i]; }

    List<Object> asList() { return Arrays.asList(items.clone()); }

    // Only flat tuples of scalars are accepted as dict keys (see PickleMachine.checkKey), so these stay cheap.
    @Override public boolean equals(Object o) { return o instanceof PyTuple t && Arrays.equals(items, t.items); }

    @Override public int hashCode() { return Arrays.hashCode(items); }

    @Override public String toString() { return "tuple of " + items.length; }
}
