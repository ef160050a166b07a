package org.eventscheduler.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.source.LimitAction;
import org.eventscheduler.topology.source.PausePolicy;
import org.eventscheduler.topology.source.RateLimit;
import org.eventscheduler.topology.source.RateWindow;
import org.eventscheduler.topology.source.SourceLimitOverride;
import org.eventscheduler.topology.source.SourceLimiting;
import org.eventscheduler.topology.source.SourceLimits;

/** A TopologyTestDriver around {@link SchedulerTopology#build} with the shipped defaults, closed after each test. */
public final class TopologyFixture implements AutoCloseable {
    public static final Topics TOPICS = new Topics("events.ingress", "events.accepted", "scheduler.throttled",
            "scheduler.dlq", "scheduler.paused");
    public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    public static final RateWindow WINDOW = new RateWindow(Duration.ofSeconds(10), Duration.ofSeconds(1));
    public static final PausePolicy POLICY = new PausePolicy(3, 2.0, Duration.ofSeconds(60), 2.0,
            Duration.ofMinutes(15), 0.8, Duration.ofHours(1));

    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final TopologyTestDriver driver;
    public final TestInputTopic<byte[], byte[]> ingress;
    public final TestOutputTopic<String, byte[]> accepted;
    public final TestOutputTopic<String, byte[]> throttled;
    public final TestOutputTopic<byte[], byte[]> dlq;
    public final TestOutputTopic<String, PauseRecord> paused;

    public TopologyFixture(RateLimit defaultLimit, List<SourceLimitOverride> overrides) {
        this(config(defaultLimit, overrides, 1024 * 1024));
    }

    public TopologyFixture(TopologyConfig config) {
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(SchedulerTopology.streamsProperties(config.topics(), metrics));
        driver = new TopologyTestDriver(SchedulerTopology.build(config, metrics), props, T0);
        ingress = driver.createInputTopic(config.topics().ingress(), new ByteArraySerializer(), new ByteArraySerializer());
        accepted = driver.createOutputTopic(config.topics().accepted(), new StringDeserializer(), new ByteArrayDeserializer());
        throttled = driver.createOutputTopic(config.topics().throttled(), new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(config.topics().dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        paused = driver.createOutputTopic(config.topics().paused(), new StringDeserializer(),
                SchedulerTopology.pauseRecordSerde().deserializer());
    }

    /** The shipped defaults: 1,000 events per 10 s, action pause. */
    public static TopologyFixture withDefaults() {
        return new TopologyFixture(new RateLimit(1000, LimitAction.PAUSE), List.of());
    }

    public static TopologyConfig config(RateLimit defaultLimit, List<SourceLimitOverride> overrides, int maxEventBytes) {
        return new TopologyConfig(TOPICS, maxEventBytes,
                new SourceLimiting(WINDOW, new SourceLimits(defaultLimit, overrides), POLICY, "test-instance"));
    }

    /** Pipes a structured event keyed by its source at {@code T0 + offset}. */
    public void send(String id, String source, Duration offset) {
        ingress.pipeInput(new TestRecord<>(Events.utf8(source), Events.structured(id, source), new RecordHeaders(),
                T0.plus(offset)));
    }

    /** Pipes {@code count} events of {@code source}, spread evenly over {@code span} starting at {@code from}. */
    public void sendSpread(String source, int count, Duration from, Duration span) {
        for (int i = 0; i < count; i++) {
            send(source + "-" + from.toMillis() + "-" + i, source, from.plusMillis(span.toMillis() * i / count));
        }
    }

    public void sendRaw(byte[] key, byte[] value, Headers headers, Duration offset) {
        ingress.pipeInput(new TestRecord<>(key, value, headers, T0.plus(offset)));
    }

    public List<PauseRecord> pauseChanges() {
        List<PauseRecord> records = new ArrayList<>();
        paused.readRecordsToList().forEach(r -> records.add(r.value()));
        return records;
    }

    public double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
