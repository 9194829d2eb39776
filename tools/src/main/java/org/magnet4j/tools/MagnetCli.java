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
        System.exit(commandLine().execute(args));
    }

    /** The command line with its subcommands and the one-line error handler. */
    public static CommandLine commandLine() {
        return new CommandLine(new MagnetCli()).setExecutionExceptionHandler(new UserErrorHandler());
    }
}
