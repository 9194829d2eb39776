package org.magnet4j.convert;

/** A class named by a pickle global that is allowed only as a marker (e.g. the type in _rebuild_from_type_v2). */
record PyType(String module, String name) {
    @Override public String toString() { return module + "." + name; }
}
