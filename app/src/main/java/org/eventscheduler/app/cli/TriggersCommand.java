package org.eventscheduler.app.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.app.kafka.TopicProvisioner;
import org.eventscheduler.app.kafka.TriggerPublisher;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./scheduler triggers apply FILE}: validates a file of trigger definitions and writes them to the triggers topic. */
@Command(name = "triggers", description = "Manage trigger definitions.", subcommands = TriggersCommand.Apply.class)
final class TriggersCommand {

    @Command(name = "apply", description = "Validate the trigger definitions of a YAML file and write them all, or none.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        @Parameters(paramLabel = "FILE", description = "YAML: a list of trigger definitions, or a 'triggers' list.")
        Path file;

        @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
                description = "Kafka bootstrap servers (default: kafka.bootstrap-servers of the configuration).")
        String bootstrapServers;

        @Override
        public Integer call() {
            SchedulerConfig loaded = config.load();
            if (bootstrapServers != null) {
                loaded = loaded.withKafka(loaded.kafka().withBootstrapServers(bootstrapServers));
            }
            List<TriggerDefinition> definitions = TriggerPublisher.read(file, loaded.triggers().defaults());
            try (Admin admin = Admin.create(SchedulerRunner.adminProperties(loaded))) {
                TopicProvisioner.ensureTopics(admin, loaded.topics(), loaded.topicProvisioning(), Duration.ofSeconds(30));
            }
            TriggerPublisher.publish(loaded, definitions, Duration.ofSeconds(30));
            System.out.println("applied " + definitions.size() + " triggers to " + loaded.topics().triggers() + ": "
                    + String.join(", ", definitions.stream().map(TriggerDefinition::id).toList()));
            return 0;
        }
    }
}
