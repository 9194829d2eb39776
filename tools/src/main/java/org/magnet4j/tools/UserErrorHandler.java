package org.magnet4j.tools;

import picocli.CommandLine;

/**
 * Prints a one-line error for problems with the user's input (bad files, shapes, options) instead of a
 * stack trace; MAGNET_DEBUG=1 shows the trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (System.getenv("MAGNET_DEBUG") != null) e.printStackTrace();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cmd.getErr().println("error: " + msg);
        return 2;
    }
}
