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
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final KafkaConsumer<String, PauseRecord> consumer;
    private final SchedulerMetrics metrics;
    private final PrintStream out;
    private final Map<String, PauseRecord> current = new TreeMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public DemoMonitor(String bootstrapServers, String pausedTopic, SchedulerMetrics metrics, PrintStream out) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-monitor");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                SchedulerTopology.pauseRecordSerde().deserializer());
        this.consumer.subscribe(List.of(pausedTopic));
        this.metrics = metrics;
        this.out = out;
        this.thread = new Thread(this::run, "demo-monitor");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            poll();
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void poll() {
        long nextReport = System.currentTimeMillis() + 5_000;
        while (running.get()) {
            for (ConsumerRecord<String, PauseRecord> record : consumer.poll(Duration.ofMillis(500))) {
                PauseRecord change = record.value();
                current.put(record.key(), change);
                out.printf("[demo] %s %s %s%s (%s%s)%n", now(), change.key(), change.shadow() ? "shadow decision, still " : "",
                        change.state(), change.reason().code(), figures(change));
            }
            if (System.currentTimeMillis() >= nextReport) {
                report();
                nextReport += 5_000;
            }
        }
    }

    private void report() {
        List<String> paused = current.values().stream()
                .filter(change -> change.state() == PauseState.PAUSED)
                .map(change -> change.key() + " " + change.causes() + change.resumeAt()
                        .map(at -> " until >= " + LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME)).orElse(""))
                .toList();
        var starts = metrics.registry().find(SchedulerMetrics.WORKFLOW_STARTS).counter();
        out.printf("[demo] %s accepted %,d  throttled %,d  held (paused source) %,d  dead-lettered %,d  workflow starts %,d"
                        + "  | paused: %s%n",
                now(), count("accepted"), count("throttled"), count("paused_source"), count("invalid"),
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

    private long count(String outcome) {
        var counter = metrics.registry().find(SchedulerMetrics.INGRESS_EVENTS).tag("outcome", outcome).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private static String now() {
        return LocalTime.now().format(TIME);
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
