package org.eventscheduler.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eventscheduler.topology.SchedulerTopology;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;

/**
 * Prints what the demo is doing every few seconds: the decision counters of this instance, and which
 * sources are paused, read back from the {@code scheduler.paused} changelog like any consumer would.
 */
public final class DemoMonitor implements AutoCloseable {
    /** How often the counters and the paused sources are printed. */
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(5);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final SchedulerMetrics metrics;
    private final PrintStream out;
    private final Map<String, PauseRecord> current = new TreeMap<>();
    private final PollingThread<String, PauseRecord> polling;
    private long nextReport;

    public DemoMonitor(String bootstrapServers, String pausedTopic, SchedulerMetrics metrics, PrintStream out) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-monitor");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, PauseRecord> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                SchedulerTopology.pauseRecordSerde().deserializer());
        consumer.subscribe(List.of(pausedTopic));
        this.metrics = metrics;
        this.out = out;
        this.polling = new PollingThread<>("demo-monitor", consumer, Duration.ofMillis(500), this::show);
    }

    public void start() {
        nextReport = System.currentTimeMillis() + REPORT_INTERVAL.toMillis();
        polling.start();
    }

    private void show(ConsumerRecords<String, PauseRecord> records) {
        for (ConsumerRecord<String, PauseRecord> record : records) {
            PauseRecord change = record.value();
            current.put(record.key(), change);
            out.printf("[demo] %s %s %s%s (%s%s)%n", now(), change.key(), change.shadow() ? "shadow decision, still " : "",
                    change.state(), change.reason().code(), figures(change));
        }
        if (System.currentTimeMillis() >= nextReport) {
            report();
            nextReport += REPORT_INTERVAL.toMillis();
        }
    }

    private void report() {
        List<String> paused = current.values().stream()
                .filter(change -> change.state() == PauseState.PAUSED)
                .map(change -> change.key() + " " + change.causes() + change.resumeAt()
                        .map(at -> " until >= " + LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME)).orElse(""))
                .toList();
        var starts = metrics.registry().find(SchedulerMetrics.WORKFLOW_STARTS).counter();
        out.printf("[demo] %s accepted %,d  throttled %,d  held (paused source) %,d  released %,d  dead-lettered %,d"
                        + "  workflow starts %,d  | paused: %s%n",
                now(), count("accepted"), count("throttled"), count("paused_source"), released(), count("invalid"),
                starts == null ? 0 : (long) starts.count(), paused.isEmpty() ? "none" : String.join(", ", paused));
    }

    private static String figures(PauseRecord change) {
        return change.rate().map(rate -> ", " + rate.observed() + " events in " + rate.window().toSeconds()
                        + " s, limit " + rate.limit())
                .or(() -> change.breaker().map(breaker -> ", failure rate " + Math.round(breaker.failureRate())
                        + "% of " + breaker.calls() + " calls, threshold " + Math.round(breaker.failureRateThreshold()) + "%"))
                .or(() -> change.operator().map(operator -> ", by " + operator.actor() + ": " + operator.reason()))
                .orElse("");
    }

    /** Held records let go on: a throttled trigger's backlog draining, a paused source's events after its resume. */
    private long released() {
        return (long) metrics.registry().find(SchedulerMetrics.RELEASED).counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    private long count(String outcome) {
        var counter = metrics.registry().find(SchedulerMetrics.INGRESS_EVENTS).tag("outcome", outcome).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private static String now() {
        return LocalTime.now().format(TIME);
    }

    @Override
    public void close() {
        polling.close();
    }
}
