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
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.TriggerStages;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
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
                "workflow-starts", "start-results", "trigger-grants")) {
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

                // every (event, trigger) pair exactly once across starts and the failing trigger's held starts
                List<ConsumerRecord<byte[], byte[]>> starts = new ArrayList<>();
                List<HeldRecord> held = new ArrayList<>();
                Polling.await("every match started or held", TIMEOUT, () -> {
                    starts.clear();
                    starts.addAll(KafkaTestClients.readToEnd(broker.bootstrapServers(), first.topics().workflowStarts(),
                            TIMEOUT));
                    held.clear();
                    try {
                        held.addAll(HeldWorkProbe.held(runner.streams(), EntityType.TRIGGER, "flaky"));
                    } catch (InvalidStateStoreException e) {
                        return false;
                    }
                    return starts.size() + held.size() >= 100;
                });
                List<String> pairs = new ArrayList<>();
                starts.forEach(r -> pairs.add(pair(new String(r.key(), StandardCharsets.UTF_8), r.value())));
                held.forEach(r -> {
                    assertThat(r.reason()).isEqualTo("trigger-paused");
                    pairs.add(pair("flaky", TriggerStages.heldStartJson(r.value())));
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
                // what it held came back from the held store's changelog, and it still holds, paused
                List<String> restored = new ArrayList<>();
                Polling.await("the held starts are restored", TIMEOUT, () -> {
                    try {
                        restored.clear();
                        HeldWorkProbe.held(runner.streams(), EntityType.TRIGGER, "flaky").forEach(r ->
                                restored.add(pair("flaky", TriggerStages.heldStartJson(r.value()))));
                        return !restored.isEmpty();
                    } catch (InvalidStateStoreException e) {
                        return false;
                    }
                });
                assertThat(restored).as("the same held starts as before the restart").hasSizeGreaterThanOrEqualTo(20);
                produceOrders(second, "c", 3);
                Polling.await("three more held after the restart", TIMEOUT, () -> {
                    try {
                        return HeldWorkProbe.held(runner.streams(), EntityType.TRIGGER, "flaky").size()
                                == restored.size() + 3;
                    } catch (InvalidStateStoreException e) {
                        return false;
                    }
                });

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
            // the limit holds over every partition together; what is over it is held and started as the window
            // makes room (the trigger's task goes quiet: its wall clock moves time on), every match exactly once
            List<ConsumerRecord<byte[], byte[]>> starts = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                    config.topics().workflowStarts(), 60 * partitions, TIMEOUT, Duration.ofSeconds(1));
            assertThat(partitions).isGreaterThan(1);
            assertThat(starts).hasSize(60 * partitions);
            Set<String> pairs = new HashSet<>();
            starts.forEach(r -> pairs.add(pair("capped", r.value())));
            assertThat(pairs).as("every match started once").hasSize(60 * partitions);
            java.util.TreeMap<Long, Integer> perBucket = new java.util.TreeMap<>();
            starts.forEach(r -> perBucket.merge(r.timestamp() / 1000, 1, Integer::sum));
            for (long first : perBucket.keySet()) {
                int inWindow = perBucket.subMap(first, first + 10).values().stream().mapToInt(Integer::intValue).sum();
                assertThat(inWindow).as("starts in the 10 s from bucket " + first).isLessThanOrEqualTo(100);
            }
            assertThat(starts.stream().filter(r -> r.headers().lastHeader(SchedulerHeaders.HELD_MS) != null))
                    .as("held, then started").hasSize(60 * partitions - 100);
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
