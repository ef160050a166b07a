package org.eventscheduler.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.eventscheduler.topology.guard.LimitAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path file = dir.resolve("scheduler.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String problemOf(Runnable load) {
        try {
            load.run();
        } catch (InvalidConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the configuration to be rejected");
    }

    @Test
    void shouldLoadTheShippedDefaults() {
        SchedulerConfig config = ConfigLoader.load(Optional.empty(), Map.of());
        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.kafka().processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE);
        assertThat(config.topics().ingress()).isEqualTo("events.ingress");
        assertThat(config.topics().paused()).isEqualTo("scheduler.paused");
        assertThat(config.sources().rateLimit().maxEvents()).isEqualTo(1000);
        assertThat(config.sources().rateLimit().action()).isEqualTo(LimitAction.PAUSE);
        assertThat(config.sources().breaker().failureRateThreshold()).isEqualTo(50f);
        assertThat(config.triggers().breaker().waitInOpenState()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.triggers().applyOnStartFile()).isEmpty();
        assertThat(config.topics().workflowStarts()).isEqualTo("workflow.starts");
        assertThat(config.rateWindow().size()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.rateWindow().bucket()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.pausePolicy().cooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.ingress().maxEventBytes()).isEqualTo(1024 * 1024);
        assertThat(config.topology().publishAccepted()).isTrue();
        assertThat(config.topicProvisioning().configsOf("paused")).containsEntry("cleanup.policy", "compact");
        assertThat(config.instanceId()).isNotBlank();
    }

    @Test
    void shouldSwitchEventsAcceptedOffFromTheEnvironment() {
        SchedulerConfig config = ConfigLoader.load(Optional.empty(), Map.of("SCHEDULER_INGRESS__PUBLISH_ACCEPTED", "false"));
        assertThat(config.topology().publishAccepted()).isFalse();
    }

    @Test
    void shouldLayTheFileOverTheDefaultsKeyByKey() throws IOException {
        Path file = file("""
                kafka:
                  bootstrap-servers: kafka-1:9092,kafka-2:9092
                sources:
                  overrides:
                    - source: batch-importer
                      rate-limit: {max-events: 50, action: throttle}
                    - source-prefix: "canary/"
                      rate-limit: {max-events: 10, action: shadow}
                      breaker: {failure-rate-threshold: 90}
                pause-policy:
                  cooldown: PT2M
                """);
        SchedulerConfig config = ConfigLoader.load(Optional.of(file), Map.of());
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.kafka().applicationId()).as("kept from the defaults").isEqualTo("event-scheduler");
        assertThat(config.sources().policyFor("batch-importer").rateLimit().maxEvents()).isEqualTo(50);
        assertThat(config.sources().policyFor("canary/x").rateLimit().action()).isEqualTo(LimitAction.SHADOW);
        assertThat(config.sources().policyFor("canary/x").breaker().failureRateThreshold()).isEqualTo(90f);
        assertThat(config.sources().policyFor("canary/x").breaker().slidingWindowSize()).isEqualTo(100);
        assertThat(config.pausePolicy().cooldown()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.pausePolicy().maxCooldown()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void shouldApplyEnvironmentOverridesLast() throws IOException {
        Path file = file("kafka:\n  bootstrap-servers: from-file:9092\n");
        SchedulerConfig config = ConfigLoader.load(Optional.of(file), Map.of(
                "SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", "from-env:9092",
                "SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "250",
                "SCHEDULER_KAFKA__PROCESSING_GUARANTEE", "at-least-once",
                "UNRELATED", "ignored"));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("from-env:9092");
        assertThat(config.sources().rateLimit().maxEvents()).isEqualTo(250);
        assertThat(config.kafka().processingGuarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void shouldMergeAMappingFromTheEnvironmentIntoTheMappingOfTheFile() throws IOException {
        Path file = file("kafka:\n  client-properties:\n    security.protocol: SASL_SSL\n    sasl.mechanism: SCRAM-SHA-512\n");
        SchedulerConfig config = ConfigLoader.load(Optional.of(file), Map.of(
                "SCHEDULER_KAFKA__CLIENT_PROPERTIES",
                "{sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";'}",
                "SCHEDULER_ADMIN__TOKENS", "[{name: ops, role: operator, token: a-token-of-some-length}]"));
        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        assertThat(config.admin().tokens()).as("a list replaces").hasSize(1);
    }

    @Test
    void shouldNameTheKeyOfAnInvalidValue() throws IOException {
        Path file = file("sources:\n  rate-limit:\n    max-events: -5\n    action: pause\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
                .isEqualTo("sources.rate-limit.max-events: must be a positive number of events, was -5");
        Path breaker = file("triggers:\n  breaker:\n    failure-rate-threshold: 150\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(breaker), Map.of())))
                .isEqualTo("triggers.breaker.failure-rate-threshold: must be a percentage in (0, 100], was 150.0");
    }

    @Test
    void shouldNameAnUnknownKey() throws IOException {
        Path file = file("kafka:\n  bootstrap-server: typo:9092\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
                .startsWith("kafka.bootstrap-server: unknown key; known here: ")
                .contains("bootstrap-servers");
    }

    @Test
    void shouldNameTheKeyOfABadDurationOrAction() throws IOException {
        Path duration = file("rate-window:\n  size: ten seconds\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(duration), Map.of())))
                .startsWith("rate-window.size: must be a duration such as");
        Path action = file("sources:\n  overrides:\n    - source: a\n      rate-limit: {max-events: 5, action: drop}\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(action), Map.of())))
                .isEqualTo("sources.overrides[0].rate-limit.action: must be one of throttle, pause, shadow, was drop");
    }

    @Test
    void shouldRejectAWrongTypeAndAMissingFile() throws IOException {
        Path wrongType = file("kafka:\n  num-stream-threads: many\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(wrongType), Map.of())))
                .startsWith("kafka.num-stream-threads: ");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(dir.resolve("absent.yaml")), Map.of())))
                .startsWith("--config: no such file: ");
    }

    @Test
    void shouldRejectInvalidYaml() throws IOException {
        Path broken = file("kafka: [unclosed\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(broken), Map.of())))
                .contains("is not valid YAML");
    }

    @Test
    void shouldRejectTopicConfigsForUnknownTopicKeys() throws IOException {
        Path file = file("topic-provisioning:\n  configs:\n    ingres:\n      retention.ms: \"1000\"\n");
        assertThat(problemOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
                .startsWith("topic-provisioning.configs.ingres: is not a topic key");
    }
}
