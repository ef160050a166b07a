package org.eventscheduler.benchmarks.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What every pipeline scenario shares: the broker's clients, a working directory, the 100-trigger
 * file, the report being written, and the ways of producing input and timing output.
 */
final class Harness {
    /** Event time of the first preloaded event. */
    static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");

    final BenchClients clients;
    final String bootstrap;
    final Path dir;
    /** 100 triggers, {@code t-N} on event type {@code type-N}. */
    final Path triggers;
    /** CPU time of the broker's JVM so far, to count what the broker spends per record. */
    final java.util.function.Supplier<Duration> brokerCpu;
    private final StringBuilder report = new StringBuilder();

    Harness(BenchBroker broker, Path dir) throws java.io.IOException {
        this.bootstrap = broker.bootstrapServers();
        this.brokerCpu = broker::cpuTime;
        this.clients = new BenchClients(bootstrap);
        this.dir = dir;
        this.triggers = Pipeline.hundredTriggers(dir);
    }

    static String runId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Adds a line to the report (and prints it as it goes). */
    void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.err.println(text);
    }

    String report() {
        return report.toString();
    }

    /** Progress of a run, on standard error only. */
    static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    static String round(int rep) {
        return rep < 0 ? "warm-up" : "rep " + (rep + 1);
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not RUNNING within 120 s: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    /** 1,000 sources, 100 event types (one trigger each), 1,000 events per second of event time. */
    static BenchClients.Event steadyEvent(int i) {
        return steadyEvent(i, 1000);
    }

    /** As {@link #steadyEvent(int)} from {@code sources} sources ({@code src-0} on). */
    static BenchClients.Event steadyEvent(int i, int sources) {
        String source = "src-" + (i % sources);
        return new BenchClients.Event(source, BenchClients.event(i, source, "type-" + (i % 100)), T0.toEpochMilli() + i);
    }

    /** Produces {@code rate} events a second for {@code seconds}, stamped with the send time. */
    void produceLive(String input, int rate, int seconds, LongFunction<BenchClients.Event> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = clients.producer()) {
            long started = System.nanoTime();
            long total = (long) rate * seconds;
            for (long i = 0; i < total; i++) {
                BenchClients.Event event = events.apply(i);
                producer.send(new ProducerRecord<>(input, null, System.currentTimeMillis(),
                        event.source().getBytes(StandardCharsets.UTF_8), event.value()));
                long due = started + (long) ((i + 1) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        }
    }

    /** {@link #produceLive}, with failures turned into unchecked exceptions for use in a thread. */
    void paced(String input, int rate, int seconds, LongFunction<BenchClients.Event> events) {
        try {
            produceLive(input, rate, seconds, events);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + input + " failed", e);
        }
    }

    /** Reads {@code topic} until stopped, recording (receive time − record timestamp) of records after {@code from}. */
    Thread latencyReader(String topic, long fromMillis, List<Long> latencies, AtomicBoolean stop,
                         Predicate<ConsumerRecord<byte[], byte[]>> counted) {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("latency-" + runId())) {
                consumer.subscribe(List.of(topic));
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        if (record.timestamp() >= fromMillis && counted.test(record)) {
                            synchronized (latencies) {
                                latencies.add(now - record.timestamp());
                            }
                        }
                    }
                }
            }
        }, "latency-reader");
        thread.start();
        return thread;
    }
}
