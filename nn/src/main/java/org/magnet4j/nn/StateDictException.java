package org.magnet4j.nn;

/** A state dict does not fit a module: wrong shapes, or missing/unexpected keys under strict loading. */
public class StateDictException extends IllegalArgumentException {
    public StateDictException(String message) { super(message); }
}
