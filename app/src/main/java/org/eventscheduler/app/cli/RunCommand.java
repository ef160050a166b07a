package org.eventscheduler.app.cli;

import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.SchedulerInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./scheduler run --config FILE}: production mode against an external Kafka cluster. */
@Command(name = "run", description = "Run the scheduler against the Kafka cluster of the configuration.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--reset-state",
            description = "Wipe this instance's local state stores before starting; they are rebuilt from their changelogs.")
    boolean resetState;

    @Override
    public Integer call() throws InterruptedException {
        SchedulerConfig loaded = config.load();
        try (Resources resources = new Resources().closeOnShutdown()) {
            SchedulerInstance instance = resources.add(SchedulerInstance.start(loaded, resetState));
            KafkaStreams.State end = instance.runner().awaitTermination();
            return end == KafkaStreams.State.ERROR ? 1 : 0;
        }
    }
}
