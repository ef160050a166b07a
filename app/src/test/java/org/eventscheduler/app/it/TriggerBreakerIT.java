package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.app.it.KafkaTestClients.header;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trigger whose workflow keeps failing is paused by its breaker while another trigger on the same
 * events keeps starting workflows; every (event, matching trigger) pair ends exactly once in
 * workflow.starts or scheduler.throttled. The breaker survives a restart on an empty state directory
 * (restored from its changelog): still paused, and it resumes on schedule once probes succeed. And a
 * trigger's rate limit holds exactly over matches from every ingress partition (the by-trigger
 * repartition gives each trigger one owner).
 */
class TriggerBreakerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration OPEN_FOR = Duration.ofSeconds(25);
    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Answers starts like a workflow engine: the 'flaky' workflow fails while {@code failing} is set. */
    private static final class Engine implements AutoCloseable {
        final AtomicBoolean failing = new AtomicBoolean(true);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;

        Engine(SchedulerConfig config) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "engine-" + UUID.randomUUID());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(config.topics().workflowStarts()));
            producer = KafkaTestClients.producer(broker.bootstrapServers());
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            WorkflowStart start = SchedulerTopology.workflowStartSerde().deserializer()
                                    .deserialize("", record.value());
                            boolean fail = start.workflow().equals("flaky") && failing.get();
                            String result = "{\"eventId\":\"" + start.eventId() + "\",\"triggerId\":\"" + start.triggerId()
                                    + "\",\"status\":\"" + (fail ? "FAILED" : "STARTED") + "\"}";
                            producer.send(new ProducerRecord<>(config.topics().startResults(),
                                    start.triggerId().getBytes(StandardCharsets.UTF_8), result.getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                } catch (WakeupException e) {
                    // closing
                } finally {
                    consumer.close();
                }
            }, "test-engine");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            consumer.wakeup();
            thread.join(5_000);
            producer.close();
        }
    }

    private SchedulerConfig config(String suffix, Path triggers, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEDULER_KAFKA__APPLICATION_ID", "trigger-it-" + suffix);
        env.put("SCHEDULER_KAFKA__STATE_DIR", stateDir.toString());
        env.put("SCHEDULER_KAFKA__CLOSE_TIMEOUT", "20s");
        env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
        env.put("SCHEDULER_TRIGGERS__BREAKER__WAIT_IN_OPEN_STATE", OPEN_FOR.toSeconds() + "s");
        for (String topic : List.of("ingress", "accepted", "throttled", "dlq", "paused", "triggers", "control",
                "workflow-starts", "start-results")) {
            env.put("SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_'), topic + "-" + suffix);
        }
        return ConfigLoader.load(Optional.empty(), env);
    }

    private static void produceOrders(SchedulerConfig config, String prefix, int count) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                producer.send(new ProducerRecord<>(config.topics().ingress(), "shop".getBytes(StandardCharsets.UTF_8),
                        ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"shop\",\"type\":\"order.created\","
                                + "\"data\":{\"n\":" + i + "}}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static PauseRecord pauseRecord(ConsumerRecord<byte[], byte[]> record) {
        return SchedulerTopology.pauseRecordSerde().deserializer().deserialize("", record.value());
    }

    private static String pair(String triggerId, byte[] startJson) {
        WorkflowStart start = SchedulerTopology.workflowStartSerde().deserializer().deserialize("", startJson);
        assertThat(start.triggerId()).isEqualTo(triggerId);
        return start.eventId() + "/" + triggerId;
    }

    @Test
    void shouldPauseTheFailingTriggerAloneAndRestoreItsBreakerAfterARestart() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, """
                - id: flaky
                  source: shop
                  type: order.created
                  workflow: flaky
                - id: steady
                  source: shop
                  type-prefix: order.
                  workflow: steady
                """);
        SchedulerConfig first = config(suffix, triggers, dir.resolve("state-1"));
        try (Engine engine = new Engine(first)) {
            Instant openedBy;
            Instant pausedAt;
            try (SchedulerRunner runner = new SchedulerRunner(first, new SchedulerMetrics(new SimpleMeterRegistry()))) {
                runner.start(false);
                assertThat(runner.awaitRunning(TIMEOUT)).isTrue();
                produceOrders(first, "a", 30);
                ConsumerRecord<byte[], byte[]> open = KafkaTestClients.awaitRecord(broker.bootstrapServers(),
                        first.topics().paused(), r -> new String(r.key(), StandardCharsets.UTF_8).equals("trigger:flaky"), TIMEOUT);
                PauseRecord pause = pauseRecord(open);
                assertThat(pause.state()).isEqualTo(PauseState.PAUSED);
                assertThat(pause.reason()).isEqualTo(PauseReason.ERROR_RATE);
                assertThat(pause.breaker().orElseThrow().calls()).isEqualTo(10);
                openedBy = Instant.now();
                pausedAt = pause.pausedAt().orElseThrow();
                produceOrders(first, "b", 20);

                // every (event, trigger) pair exactly once across starts and held starts
                List<ConsumerRecord<byte[], byte[]>> outcomes = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                        List.of(first.topics().workflowStarts(), first.topics().throttled()), 100, TIMEOUT,
                        Duration.ofSeconds(1));
                List<ConsumerRecord<byte[], byte[]>> starts = outcomes.stream()
                        .filter(r -> r.topic().equals(first.topics().workflowStarts())).toList();
                List<ConsumerRecord<byte[], byte[]>> held = outcomes.stream()
                        .filter(r -> r.topic().equals(first.topics().throttled())).toList();
                List<String> pairs = new ArrayList<>();
                starts.forEach(r -> pairs.add(pair(new String(r.key(), StandardCharsets.UTF_8), r.value())));
                held.forEach(r -> {
                    assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("trigger-paused");
                    pairs.add(pair(new String(r.key(), StandardCharsets.UTF_8), r.value()));
                });
                Set<String> expected = new HashSet<>();
                for (String prefix : List.of("a", "b")) {
                    for (int i = 0; i < (prefix.equals("a") ? 30 : 20); i++) {
                        expected.add(prefix + "-" + i + "/flaky");
                        expected.add(prefix + "-" + i + "/steady");
                    }
                }
                assertThat(pairs).doesNotHaveDuplicates();
                assertThat(new HashSet<>(pairs)).isEqualTo(expected);
                assertThat(starts.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("steady")))
                        .as("the healthy trigger kept starting").hasSize(50);
                assertThat(held).as("the failing trigger's later matches were all held").hasSizeGreaterThanOrEqualTo(20);
            }

            // a new instance with an empty state directory: the breaker comes back from the changelog
            SchedulerConfig second = config(suffix, triggers, dir.resolve("state-2"));
            try (SchedulerRunner runner = new SchedulerRunner(second, new SchedulerMetrics(new SimpleMeterRegistry()))) {
                runner.start(false);
                assertThat(runner.awaitRunning(TIMEOUT)).isTrue();
                assertThat(Instant.now()).as("the restart fits inside the open state").isBefore(openedBy.plus(OPEN_FOR));
                int heldBefore = KafkaTestClients.readCommitted(broker.bootstrapServers(), second.topics().throttled(),
                        Integer.MAX_VALUE, Duration.ofSeconds(2), Duration.ZERO).size();
                produceOrders(second, "c", 3);
                List<ConsumerRecord<byte[], byte[]>> heldAfter = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                        second.topics().throttled(), heldBefore + 3, TIMEOUT, Duration.ofSeconds(1));
                assertThat(heldAfter.subList(heldBefore, heldAfter.size()))
                        .as("still paused after the restart").hasSize(3)
                        .allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("flaky"));

                // the workflow recovers: once the open state ends, probes start and succeed and the breaker closes
                engine.failing.set(false);
                PauseRecord resumed = awaitResumeWhileOrdering(second);
                assertThat(resumed.reason()).isEqualTo(PauseReason.BREAKER_CLOSED);
                assertThat(resumed.state()).isEqualTo(PauseState.ACTIVE);
                assertThat(resumed.resumedAt().orElseThrow())
                        .as("not before the open state ends").isAfterOrEqualTo(pausedAt.plus(OPEN_FOR));
            }
        }
    }

    @Test
    void shouldHoldATriggerToItsLimitExactlyAcrossIngressPartitions() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Path triggers = dir.resolve("capped-triggers.yaml");
        Files.writeString(triggers, """
                - id: capped
                  source-prefix: "shop-"
                  type: order.created
                  workflow: capped
                  rate-limit: {max-events: 100, action: throttle}
                """);
        SchedulerConfig config = config(suffix, triggers, dir.resolve("state-capped"));
        int partitions = config.topicProvisioning().partitions();
        // one source per ingress partition (producers key by source): each partition's task sees only its own
        List<String> sources = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (int n = 0; covered.size() < partitions; n++) {
            String source = "shop-" + n;
            if (covered.add(Utils.toPositive(Utils.murmur2(source.getBytes(StandardCharsets.UTF_8))) % partitions)) {
                sources.add(source);
            }
        }
        try (SchedulerRunner runner = new SchedulerRunner(config, new SchedulerMetrics(new SimpleMeterRegistry()))) {
            runner.start(false);
            assertThat(runner.awaitRunning(TIMEOUT)).isTrue();
            // 60 matches per source, 240 in all, within one second of event time: 2.4 times the trigger's limit of
            // 100 per 10 s, but never more than 60 in any one partition
            long base = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
                for (int i = 0; i < 60; i++) {
                    for (String source : sources) {
                        String id = source + "-" + i;
                        producer.send(new ProducerRecord<>(config.topics().ingress(), null, base + (long) partitions * i
                                + sources.indexOf(source), source.getBytes(StandardCharsets.UTF_8),
                                ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source
                                        + "\",\"type\":\"order.created\"}").getBytes(StandardCharsets.UTF_8)));
                    }
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> outcomes = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    List.of(config.topics().workflowStarts(), config.topics().throttled()), 60 * partitions, TIMEOUT,
                    Duration.ofSeconds(1));
            List<ConsumerRecord<byte[], byte[]>> starts = outcomes.stream()
                    .filter(r -> r.topic().equals(config.topics().workflowStarts())).toList();
            List<ConsumerRecord<byte[], byte[]>> held = outcomes.stream()
                    .filter(r -> r.topic().equals(config.topics().throttled())).toList();
            assertThat(partitions).isGreaterThan(1);
            assertThat(starts).as("exactly the limit, counted over every partition together").hasSize(100);
            assertThat(held).hasSize(60 * partitions - 100)
                    .allSatisfy(r -> assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("trigger-rate-limited"));
            Set<String> pairs = new HashSet<>();
            starts.forEach(r -> pairs.add(pair("capped", r.value())));
            held.forEach(r -> pairs.add(pair("capped", r.value())));
            assertThat(pairs).as("every match once, started or held").hasSize(60 * partitions);
        }
    }

    /** Sends an order every 200 ms (probes need traffic) until trigger:flaky is resumed. */
    private PauseRecord awaitResumeWhileOrdering(SchedulerConfig config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-resume-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> paused = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            paused.subscribe(List.of(config.topics().paused()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            int n = 0;
            while (System.nanoTime() < deadline) {
                produceOrders(config, "d" + n++, 1);
                for (ConsumerRecord<byte[], byte[]> record : paused.poll(Duration.ofMillis(200))) {
                    PauseRecord change = pauseRecord(record);
                    if (change.key().equals("trigger:flaky") && change.state() == PauseState.ACTIVE) {
                        return change;
                    }
                }
            }
        }
        throw new AssertionError("trigger:flaky was not resumed within " + TIMEOUT);
    }
}
