package org.eventscheduler.app;

import org.eventscheduler.app.cli.SchedulerCommand;

/** The process entry point: {@code ./scheduler} runs this with the command line it was given. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SchedulerCommand.execute(args));
    }
}
