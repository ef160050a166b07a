package org.eventscheduler.app;

import org.eventscheduler.admin.Slf4jLogging;
import org.eventscheduler.app.cli.SchedulerCommand;
import picocli.CommandLine;

/** The process entry point: {@code ./scheduler} runs this with the command line it was given. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        run(new CommandLine(new SchedulerCommand()), args);
    }

    /** Runs {@code args} against {@code commandLine} (the demo's main adds its command) and exits with its status. */
    public static void run(CommandLine commandLine, String[] args) {
        // Helidon logs through java.util.logging: send it to SLF4J like everything else
        Slf4jLogging.bridge();
        System.exit(SchedulerCommand.execute(commandLine, args));
    }
}
