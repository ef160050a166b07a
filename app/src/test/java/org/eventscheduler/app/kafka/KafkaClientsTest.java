package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    private static final SchedulerConfig CONFIG = ConfigLoader.load(Optional.empty(), Map.of(
            "SCHEDULER_KAFKA__APPLICATION_ID", "sched", "SCHEDULER_INSTANCE_ID", "pod-0",
            "SCHEDULER_KAFKA__CLIENT_PROPERTIES", "{\"client.id\":\"shared\",\"security.protocol\":\"SSL\"}"));

    @Test
    void shouldNameEveryClientAppInstanceRole() {
        List<String> ids = Arrays.stream(KafkaClients.Role.values()).map(role -> KafkaClients.clientId(CONFIG, role)).toList();

        assertThat(ids).containsExactly("sched-pod-0-provisioner", "sched-pod-0-trigger-publisher",
                "sched-pod-0-command-writer", "sched-pod-0-dlq-reader", "sched-pod-0-lag-reader",
                "sched-pod-0-mirror-lag-reader", "sched-pod-0-metrics", "sched-pod-0-mirror");
        assertThat(ids).doesNotHaveDuplicates()
                .as("none is a name Kafka Streams gives its own clients (<app>-<instance>-admin, -StreamThread-N-...)")
                .doesNotContain("sched-pod-0-admin").noneMatch(id -> id.contains("StreamThread"));
    }

    @Test
    void shouldGiveEachRoleItsIdOverAConfiguredOne() {
        for (KafkaClients.Role role : KafkaClients.Role.values()) {
            assertThat(KafkaClients.properties(CONFIG, role))
                    .containsEntry(CommonClientConfigs.CLIENT_ID_CONFIG, KafkaClients.clientId(CONFIG, role))
                    .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CONFIG.kafka().bootstrapServers())
                    .containsEntry("security.protocol", "SSL");
        }
    }

    @Test
    void shouldGiveTheProvisionerItsOwnId() {
        assertThat(SchedulerRunner.adminProperties(CONFIG))
                .containsEntry(CommonClientConfigs.CLIENT_ID_CONFIG, "sched-pod-0-provisioner");
    }
}
