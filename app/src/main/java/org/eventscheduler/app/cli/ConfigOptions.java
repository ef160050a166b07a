package org.eventscheduler.app.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands that load the configuration. */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration laid over the shipped defaults; SCHEDULER_* environment variables override both.")
    Path file;

    public SchedulerConfig load() {
        return ConfigLoader.load(Optional.ofNullable(file), System.getenv());
    }
}
