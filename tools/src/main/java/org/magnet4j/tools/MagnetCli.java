package org.magnet4j.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the runnable jar: one subcommand per tool. */
@Command(name = "magnet", mixinStandardHelpOptions = true, version = "magnet4j 0.1.0",
        description = "MagNet multi-scale segmentation and the magnet4j engine, in pure Java.",
        subcommands = {DemoCommand.class, TestCommand.class, TrainCommand.class, ForwardCommand.class, ConvertCommand.class, InspectCommand.class,
                BenchCommand.class, SmokeCommand.class, CommandLine.HelpCommand.class})
public final class MagnetCli {
    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) { // outputs are written to a temporary file and renamed: nothing half-written
            System.err.printf("error: out of memory: the Java heap (at most %d MB) is too small for this work; give it more, e.g."
                    + " MAGNET_HEAP_OPTS='-XX:+UseParallelGC -Xmx12g -Xmn3g' scripts/magnet ...%n", Runtime.getRuntime().maxMemory() >> 20);
            code = 3;
        }
        System.exit(code);
    }

    /** The command line with its subcommands and the one-line error handler. */
    public static CommandLine commandLine() {
        return new CommandLine(new MagnetCli()).setExecutionExceptionHandler(new UserErrorHandler());
    }
}
