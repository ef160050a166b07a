package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.app.it.KafkaTestClients.header;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-source safeguard end to end on a real KRaft broker with exactly-once: a storm is paused at
 * the right event, malformed input is dead-lettered with readable headers, and every input record
 * comes out exactly once across accepted, throttled and the DLQ (read back with read_committed).
 */
class SourceStormIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private SchedulerConfig config(String suffix) {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEDULER_KAFKA__APPLICATION_ID", "storm-it-" + suffix);
        env.put("SCHEDULER_KAFKA__STATE_DIR", stateDir.toString());
        env.put("SCHEDULER_KAFKA__CLOSE_TIMEOUT", "20s");
        env.put("SCHEDULER_INSTANCE_ID", "it-instance");
        // the storm stays paused for the test: what it holds stays held, to be counted
        env.put("SCHEDULER_PAUSE_POLICY__COOLDOWN", "1h");
        env.put("SCHEDULER_PAUSE_POLICY__MAX_COOLDOWN", "1h");
        for (String topic : List.of("ingress", "accepted", "throttled", "dlq", "paused", "trigger-grants")) {
            env.put("SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_'), topic + "-" + suffix);
        }
        return ConfigLoader.load(Optional.empty(), env);
    }

    private static byte[] event(String id, String source) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source
                + "\",\"type\":\"com.example.created\",\"data\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);
    }

    private static String idOf(byte[] value) {
        try {
            return JSON.readTree(value).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldPauseStormAndAccountForEveryRecordExactlyOnce() throws Exception {
        SchedulerConfig config = config(UUID.randomUUID().toString().substring(0, 8));
        SchedulerMetrics metrics = new SchedulerMetrics(new SimpleMeterRegistry());
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Set<String> validIds = new HashSet<>();
        List<byte[]> malformed = List.of(
                "{\"specversion\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8),
                "{\"specversion\":\"1.0\",\"id\":\"m-2\",\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, (byte) 0x28, 0x00},
                "{\"specversion\":\"0.3\",\"id\":\"m-4\",\"source\":\"s\",\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8),
                "[]".getBytes(StandardCharsets.UTF_8),
                ("{\"specversion\":\"1.0\",\"id\":\"m-6\",\"source\":\"s\",\"type\":\"t\",\"data\":\""
                        + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8));

        try (SchedulerRunner runner = new SchedulerRunner(config, metrics)) {
            runner.start(false);
            assertThat(runner.awaitRunning(TIMEOUT)).as("Kafka Streams reaches RUNNING").isTrue();

            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
                String ingress = config.topics().ingress();
                for (int i = 0; i < 3000; i++) {
                    String id = "storm-" + i;
                    validIds.add(id);
                    producer.send(new ProducerRecord<>(ingress, null, t0.plusMillis(i).toEpochMilli(),
                            "storm".getBytes(StandardCharsets.UTF_8), event(id, "storm")));
                }
                for (int i = 0; i < 600; i++) {
                    String source = "calm-" + (i % 3);
                    String id = source + "-" + i;
                    validIds.add(id);
                    producer.send(new ProducerRecord<>(ingress, null, t0.plusMillis(i * 100L).toEpochMilli(),
                            source.getBytes(StandardCharsets.UTF_8), event(id, source)));
                }
                for (int i = 0; i < 100; i++) {
                    String id = "rekeyed-" + i;
                    validIds.add(id);
                    producer.send(new ProducerRecord<>(ingress, null, t0.plusMillis(i * 100L).toEpochMilli(),
                            id.getBytes(StandardCharsets.UTF_8), event(id, "calm-rekeyed")));
                }
                for (byte[] value : malformed) {
                    producer.send(new ProducerRecord<>(ingress, null, t0.toEpochMilli(),
                            "junk".getBytes(StandardCharsets.UTF_8), value));
                }
                producer.flush();
            }

            Duration settle = Duration.ofSeconds(2);
            List<ConsumerRecord<byte[], byte[]>> accepted = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    config.topics().accepted(), 1700, TIMEOUT, settle);
            List<ConsumerRecord<byte[], byte[]>> notices = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    config.topics().throttled(), 1, TIMEOUT, settle);
            List<HeldRecord> held = new ArrayList<>();
            Polling.await("the storm holds 2,000 events", TIMEOUT, () -> {
                try {
                    held.clear();
                    held.addAll(HeldWorkProbe.held(runner.streams(), EntityType.SOURCE, "storm"));
                    return held.size() == 2000;
                } catch (InvalidStateStoreException e) {
                    return false;
                }
            });
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    config.topics().dlq(), malformed.size(), TIMEOUT, settle);
            List<ConsumerRecord<byte[], byte[]>> paused = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    config.topics().paused(), 1, TIMEOUT, settle);

            // the storm: 1,000 admitted, then held, paused at its 2,000th event
            assertThat(accepted).hasSize(1700);
            assertThat(notices).as("one audit notice: the storm began holding").hasSize(1);
            assertThat(new String(notices.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("source:storm");
            assertThat(new String(notices.getFirst().value(), StandardCharsets.UTF_8)).contains("\"event\":\"holding\"");
            assertThat(paused).hasSize(1);
            PauseRecord pause = SchedulerTopology.pauseRecordSerde().deserializer()
                    .deserialize(config.topics().paused(), paused.getFirst().value());
            assertThat(new String(paused.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("source:storm");
            assertThat(pause.state()).isEqualTo(PauseState.PAUSED);
            assertThat(pause.correlationId()).isEqualTo("storm-1999");
            assertThat(pause.rate().orElseThrow().observed()).isEqualTo(2000);
            assertThat(pause.pausedAt()).contains(t0.plusMillis(1999));
            assertThat(pause.instance()).isEqualTo("it-instance");
            assertThat(header(paused.getFirst(), SchedulerHeaders.CORRELATION_ID)).isEqualTo("storm-1999");

            // every valid input exactly once across accepted and what the storm holds
            List<String> seen = new ArrayList<>();
            accepted.forEach(r -> seen.add(idOf(r.value())));
            held.forEach(r -> seen.add(idOf(r.value())));
            assertThat(seen).doesNotHaveDuplicates();
            assertThat(new HashSet<>(seen)).isEqualTo(validIds);
            assertThat(held).allSatisfy(r -> {
                assertThat(r.reason()).isIn("rate-limited", "source-paused");
                assertThat(r.headers().lastHeader(SchedulerHeaders.ORIGIN)).as("traceable to its input").isNotNull();
            });
            // held before the pause, over the limit: read, with their correlation id
            assertThat(held).filteredOn(r -> r.reason().equals("rate-limited")).isNotEmpty().allSatisfy(r ->
                    assertThat(new String(r.headers().lastHeader(SchedulerHeaders.CORRELATION_ID).value(),
                            StandardCharsets.UTF_8)).isEqualTo(idOf(r.value())));
            // held once the storm is paused: unread (the one that tripped the pause was read), so no
            // correlation id until they come back and are read
            assertThat(held).filteredOn(r -> r.reason().equals("source-paused")
                    && r.headers().lastHeader(SchedulerHeaders.CORRELATION_ID) != null).hasSizeLessThanOrEqualTo(1);

            // every malformed input exactly once in the DLQ, with parseable headers
            assertThat(dead).hasSize(malformed.size());
            assertThat(dead).extracting(r -> header(r, SchedulerHeaders.REASON)).containsExactlyInAnyOrder(
                    "invalid-json", "missing-attribute", "undecodable", "invalid-attribute", "invalid-json", "oversize");
            Set<Long> offsets = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : dead) {
                // Kafka Streams' coordinates name where it failed (ingress, or by-source for an invalid event
                // naming a source, re-keyed to reach that source's breaker); scheduler.origin names the input
                assertThat(Integer.parseInt(header(record, "__streams.errors.partition"))).isBetween(0, 3);
                Long.parseLong(header(record, "__streams.errors.offset"));
                String origin = header(record, SchedulerHeaders.ORIGIN);
                assertThat(origin).startsWith(config.topics().ingress() + "-");
                offsets.add(Long.parseLong(origin.substring(origin.indexOf('@') + 1)) * 10
                        + Integer.parseInt(origin.substring(config.topics().ingress().length() + 1, origin.indexOf('@'))));
                assertThat(header(record, "__streams.errors.exception")).endsWith("InvalidEventException");
                assertThat(header(record, SchedulerHeaders.CORRELATION_ID)).isNotBlank();
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isIn("junk", "s");
            }
            assertThat(offsets).hasSize(malformed.size());
            assertThat(dead).anySatisfy(r -> assertThat(r.value()).hasSize(malformed.getLast().length));
        }
    }
}
