package org.magnet4j.tensor;

/** Bad input to an op: wrong shapes, dtypes or indices. The message names the op and the shapes involved. */
public class TensorException extends IllegalArgumentException {
    public TensorException(String message) { super(message); }
}
