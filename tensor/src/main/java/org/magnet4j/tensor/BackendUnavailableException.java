package org.magnet4j.tensor;

/** A device was asked for that this machine cannot provide; the message says what is missing and how to fix it. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) { super(message); }

    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }
}
