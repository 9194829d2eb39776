package org.magnet4j.convert;

/** One allow-listed global that a pickle may call (REDUCE / NEWOBJ): our own Java code, never Python's. */
@FunctionalInterface
interface PyCallable {
    Object call(PyTuple args);
}
