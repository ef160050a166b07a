package org.eventscheduler.demo;

import org.eventscheduler.app.Main;
import org.eventscheduler.app.cli.SchedulerCommand;
import picocli.CommandLine;

/**
 * The entry point of {@code ./scheduler demo}: the scheduler's command line with one more command,
 * {@code demo}, which only this module (and its embedded broker and database) provides.
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) {
        Main.run(commandLine(), args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new SchedulerCommand()).addSubcommand(new DemoCommand());
    }
}
