package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.management.ObjectName;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients of a running instance, as JMX registers them: each beside Kafka Streams under its
 * own {@code <app>-<instance>-<role>} id, and one lag reader for the health and the metrics (a second
 * client of the same type and id would be skipped by Kafka's app-info registration, which says so).
 */
class KafkaClientsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void eachClientHasItsOwnRoleIdAndOneLagReaderServesHealthAndMetrics() throws Exception {
        Logger appInfo = (Logger) LoggerFactory.getLogger("org.apache.kafka.common.utils.internals.AppInfoParser");
        Level level = appInfo.getLevel();
        ListAppender<ILoggingEvent> registrations = new ListAppender<>();
        registrations.start();
        appInfo.addAppender(registrations);
        appInfo.setLevel(Level.INFO);
        String app = "clients-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("clients-it-");
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, "[]\n");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0);
             SchedulerInstance instance = SchedulerInstance.start(AdminApiIT.config(broker, app, dir.resolve("state"),
                     triggers, Map.of()), false)) {
            assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
            String prefix = app + "-" + instance.config().instanceId() + "-";

            assertThat(ids("kafka.admin.client", prefix)).containsExactlyInAnyOrder("lag-reader", "metrics");
            assertThat(ids("kafka.consumer", prefix)).containsExactlyInAnyOrder("lag-reader", "dlq-reader");
            assertThat(ids("kafka.producer", prefix)).containsExactlyInAnyOrder("command-writer");
            assertThat(registrations.list).as("no client of the instance reuses another's id")
                    .map(ILoggingEvent::getFormattedMessage)
                    .noneMatch(message -> message.contains("already exists") && message.contains(app));
        } finally {
            appInfo.detachAppender(registrations);
            appInfo.setLevel(level);
        }
    }

    /** The roles of the clients of {@code type} registered under {@code prefix}, without Kafka Streams' own. */
    private static Set<String> ids(String type, String prefix) throws Exception {
        Set<String> roles = new TreeSet<>();
        for (ObjectName name : ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(type + ":type=app-info,id=*"), null)) {
            String id = name.getKeyProperty("id");
            if (id.startsWith(prefix)) {
                roles.add(id.substring(prefix.length()));
            }
        }
        // Kafka Streams' own: <app>-<instance>-admin, -global-consumer, -StreamThread-N-..., -StateUpdater-N-...
        roles.removeIf(role -> role.equals("admin") || role.equals("global-consumer") || role.startsWith("StreamThread-")
                || role.startsWith("StateUpdater-"));
        return roles;
    }
}
