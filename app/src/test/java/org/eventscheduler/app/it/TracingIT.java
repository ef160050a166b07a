package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application in its own JVM with the OpenTelemetry Java agent (resolved by Maven into
 * target/agent), the logging exporter and JSON logs: an ingress event carrying a W3C traceparent
 * leads to one trace, through the scheduler's decision spans, to its workflow.starts, events.accepted
 * (also after it was held and released) or scheduler.dlq record, whose traceparent continues the same trace; the log
 * line of a decision carries the trace_id and span_id.
 */
class TracingIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String THROTTLED_TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4737";
    private static final String DEAD_LETTER_TRACE_ID = "6bf92f3577b34da6a3ce929d0e0e4738";
    private static EmbeddedKafkaBroker broker;
    private static Process application;
    private static Path output;
    private static SchedulerConfig config;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        Path dir = Files.createTempDirectory("tracing-it-");
        Path triggers = dir.resolve("triggers.yaml");
        Files.writeString(triggers, "- {id: traced, source: shop, type: order.created, workflow: fulfil}\n");
        String applicationId = "tracing-it-" + UUID.randomUUID().toString().substring(0, 8);
        config = AdminApiIT.config(broker, applicationId, dir.resolve("state"), triggers, Map.of());
        Path configFile = dir.resolve("scheduler.yaml");
        Files.writeString(configFile, """
                admin:
                  enabled: false
                sources:
                  overrides:
                    - source: burst
                      rate-limit: {max-events: 1, action: throttle}
                """);
        output = dir.resolve("application.log");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-javaagent:" + Path.of("target/agent/opentelemetry-javaagent.jar").toAbsolutePath(),
                "-Dotel.traces.exporter=logging", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                "-Dotel.service.name=event-scheduler", "-Dotel.bsp.schedule.delay=200",
                "-Dotel.instrumentation.kafka.producer-propagation.enabled=false",
                "-Dlog.format=json", "-Xmx512m",
                "-jar", Path.of("target/event-scheduler-app.jar").toAbsolutePath().toString(),
                "run", "--config", configFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("SCHEDULER_"));
        env.put("SCHEDULER_KAFKA__BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEDULER_KAFKA__APPLICATION_ID", applicationId);
        env.put("SCHEDULER_KAFKA__STATE_DIR", dir.resolve("state").toString());
        env.put("SCHEDULER_TRIGGERS__APPLY_ON_START", triggers.toString());
        for (String topic : List.of("ingress", "accepted", "throttled", "dlq", "paused", "triggers", "control",
                "workflow-starts", "start-results", "trigger-grants")) {
            String key = "SCHEDULER_TOPICS__" + topic.toUpperCase().replace('-', '_');
            env.put(key, config.topics().byKey().get(topic));
        }
        application = builder.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (application != null) {
            application.destroy();
            application.waitFor();
        }
        broker.close();
    }

    private static String log() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String source, byte[] value, String traceId)
            throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source), value);
        record.headers().add("traceparent", AdminApiIT.bytes("00-" + traceId + "-00f067aa0ba902b7-01"));
        producer.send(record).get();
    }

    @Test
    void eachEventsTraceRunsThroughTheDecisionsToItsOutputRecordAndLogLines() throws Exception {
        awaitLog("Kafka Streams state REBALANCING -> RUNNING");
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            send(producer, "shop", AdminApiIT.event("traced-1", "shop", "order.created"), TRACE_ID);
            send(producer, "burst", AdminApiIT.event("burst-1", "burst", "tick"), THROTTLED_TRACE_ID);
            send(producer, "burst", AdminApiIT.event("burst-2", "burst", "tick"), THROTTLED_TRACE_ID);
            send(producer, "shop", AdminApiIT.bytes("{not json"), DEAD_LETTER_TRACE_ID);
        }

        // the workflow start continues the event's trace, through the scheduler's decision spans
        List<ConsumerRecord<byte[], byte[]>> starts = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                config.topics().workflowStarts(), 1, TIMEOUT, Duration.ZERO);
        assertThat(starts).hasSize(1);
        String startParent = KafkaTestClients.header(starts.getFirst(), "traceparent");
        assertThat(startParent).contains(TRACE_ID)
                .as("the start's parent is the scheduler's decision span, not the producer's").doesNotContain("00f067aa0ba902b7");
        String decisionSpanId = startParent.split("-")[2];
        assertThat(awaitLog("'scheduler.trigger.decision' : " + TRACE_ID + " " + decisionSpanId)).contains("traced");
        for (String span : List.of("'scheduler.source.decision'", "'scheduler.trigger.evaluation'",
                "'scheduler.trigger.decision'")) {
            assertThat(awaitLog(span + " : " + TRACE_ID)).contains(TRACE_ID);
        }
        assertThat(log()).contains("scheduler.correlation_id=traced-1").contains("scheduler.trigger=traced");

        // the throttled event, released once the window has room, continues its trace, and so does the log line
        // of the throttle decision
        List<ConsumerRecord<byte[], byte[]>> accepted = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                config.topics().accepted(), 3, TIMEOUT, Duration.ZERO);
        ConsumerRecord<byte[], byte[]> released = accepted.stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("burst-2")).findFirst().orElseThrow();
        assertThat(KafkaTestClients.header(released, "traceparent")).contains(THROTTLED_TRACE_ID);
        assertThat(KafkaTestClients.header(released, "scheduler.held-ms")).isNotNull();
        String throttleLine = awaitLog("\"reason\":\"over-limit\"");
        assertThat(throttleLine).contains("\"trace_id\":\"" + THROTTLED_TRACE_ID + "\"").contains("\"span_id\":\"")
                .contains("\"correlation_id\":\"burst-2\"").contains("\"entity\":\"source:burst\"");

        // the dead letter continues the malformed record's trace
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestClients.readCommitted(broker.bootstrapServers(),
                config.topics().dlq(), 1, TIMEOUT, Duration.ZERO);
        assertThat(dead).hasSize(1);
        assertThat(KafkaTestClients.header(dead.getFirst(), "traceparent")).contains(DEAD_LETTER_TRACE_ID);
        assertThat(awaitLog("'scheduler.dlq.route' : " + DEAD_LETTER_TRACE_ID)).contains("scheduler.reason=invalid-json");
    }

    /** Waits for a line of the application's output containing {@code text}, and returns it. */
    private static String awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : log().lines().toList()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!application.isAlive()) {
                throw new AssertionError("the application exited " + application.exitValue() + ":\n" + log());
            }
            application.onExit().completeOnTimeout(application, 200, java.util.concurrent.TimeUnit.MILLISECONDS).get();
        }
        throw new AssertionError("no line with " + text + " within " + TIMEOUT + ":\n" + log());
    }
}
