package org.eventscheduler.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.eventscheduler.topology.guard.GuardTiming;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.hold.HeldPage;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.PausePolicy;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.guard.RateWindow;
import org.eventscheduler.topology.source.SourceOverride;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.trigger.TriggerDefaults;
import org.eventscheduler.topology.trigger.WorkflowStart;

/**
 * A TopologyTestDriver around {@link SchedulerTopology#build} with the shipped defaults, closed after each test.
 * Each fixture has its own state directory: the stores are persistent, and a run killed before
 * {@link #close} must not hand its state to the next one through the shared default directory.
 */
public final class TopologyFixture implements AutoCloseable {
    public static final Topics TOPICS = new Topics("events.ingress", "events.accepted", "scheduler.throttled",
            "scheduler.dlq", "scheduler.paused", "scheduler.triggers", "scheduler.control", "workflow.starts",
            "workflow.start-results", "scheduler.trigger-grants");
    public static final BreakerSettings BREAKER = new BreakerSettings(true, false, 50, BreakerSettings.WindowType.COUNT_BASED,
            20, 10, Duration.ofSeconds(30), 3);
    public static final TriggerDefaults TRIGGER_DEFAULTS = new TriggerDefaults(new RateLimit(1000, LimitAction.PAUSE),
            BREAKER);
    public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    public static final RateWindow WINDOW = new RateWindow(Duration.ofSeconds(10), Duration.ofSeconds(1));
    public static final PausePolicy POLICY = new PausePolicy(3, 2.0, Duration.ofSeconds(60), 2.0,
            Duration.ofMinutes(15), 0.8, Duration.ofHours(1));

    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Path stateDir;
    public final TopologyTestDriver driver;
    public final TestInputTopic<byte[], byte[]> ingress;
    public final TestOutputTopic<String, byte[]> accepted;
    /** The audit notices of held work on {@code scheduler.throttled}. */
    public final TestOutputTopic<String, HoldNotice> throttled;
    public final TestOutputTopic<byte[], byte[]> dlq;
    public final TestOutputTopic<String, PauseRecord> paused;
    public final TestInputTopic<String, byte[]> triggers;
    public final TestInputTopic<String, byte[]> control;
    public final TestInputTopic<byte[], byte[]> startResults;
    public final TestOutputTopic<String, WorkflowStart> starts;

    public TopologyFixture(RateLimit defaultLimit, List<SourceOverride> overrides) {
        this(config(defaultLimit, overrides, 1024 * 1024));
    }

    public TopologyFixture(TopologyConfig config) {
        this(config, newStateDir(), T0);
    }

    /**
     * A fixture over {@code stateDir}, its wall clock at {@code wallClock}: over the directory of a fixture whose
     * persistent stores were closed, that fixture restarted (they open what they held).
     */
    public TopologyFixture(TopologyConfig config, Path stateDir, Instant wallClock) {
        this(config, stateDir, wallClock, SchedulerMetrics::new);
    }

    /** A fixture whose metrics {@code metrics} makes over its registry (a top-K of its own, a clock of its own). */
    public TopologyFixture(TopologyConfig config, java.util.function.Function<MeterRegistry, SchedulerMetrics> metrics) {
        this(config, newStateDir(), T0, metrics);
    }

    private TopologyFixture(TopologyConfig config, Path stateDir, Instant wallClock,
                            java.util.function.Function<MeterRegistry, SchedulerMetrics> metricsOf) {
        SchedulerMetrics metrics = metricsOf.apply(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        this.stateDir = stateDir;
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(SchedulerTopology.streamsProperties(config.topics(), metrics));
        driver = new TopologyTestDriver(SchedulerTopology.build(config, metrics), props, wallClock);
        ingress = driver.createInputTopic(config.topics().ingress(), new ByteArraySerializer(), new ByteArraySerializer());
        accepted = driver.createOutputTopic(config.topics().accepted(), new StringDeserializer(), new ByteArrayDeserializer());
        throttled = driver.createOutputTopic(config.topics().throttled(), new StringDeserializer(),
                HoldNotice.serde().deserializer());
        dlq = driver.createOutputTopic(config.topics().dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        paused = driver.createOutputTopic(config.topics().paused(), new StringDeserializer(),
                SchedulerTopology.pauseRecordSerde().deserializer());
        triggers = driver.createInputTopic(config.topics().triggers(), new StringSerializer(), new ByteArraySerializer());
        control = driver.createInputTopic(config.topics().control(), new StringSerializer(), new ByteArraySerializer());
        startResults = driver.createInputTopic(config.topics().startResults(), new ByteArraySerializer(),
                new ByteArraySerializer());
        starts = driver.createOutputTopic(config.topics().workflowStarts(), new StringDeserializer(),
                SchedulerTopology.workflowStartSerde().deserializer());
    }

    /** The shipped defaults: 1,000 events per 10 s, action pause. */
    public static TopologyFixture withDefaults() {
        return new TopologyFixture(new RateLimit(1000, LimitAction.PAUSE), List.of());
    }

    /** The shipped defaults, with shared triggers starting from granted budget ({@code triggers.shared-path}). */
    public static TopologyFixture withGrantedBudget() {
        return new TopologyFixture(grantedBudgetConfig());
    }

    /** {@link #withGrantedBudget()}, its metrics made by {@code metrics}. */
    public static TopologyFixture withGrantedBudget(java.util.function.Function<MeterRegistry, SchedulerMetrics> metrics) {
        return new TopologyFixture(grantedBudgetConfig(), metrics);
    }

    private static TopologyConfig grantedBudgetConfig() {
        return config(new RateLimit(1000, LimitAction.PAUSE), List.of(), 1024 * 1024)
                .withSharedTriggers(org.eventscheduler.topology.trigger.SharedTriggerPath.GRANTED_BUDGET);
    }

    /** The guard stores of a kind of entity that this topology has (those of granted budget only when it is on). */
    public List<TriggerHome.Stores> storesOf(EntityType type) {
        return TriggerHome.Stores.of(type).stream()
                .filter(names -> driver.getAllStateStores().containsKey(names.states())).toList();
    }

    public static TopologyConfig config(RateLimit defaultLimit, List<SourceOverride> overrides, int maxEventBytes) {
        return config(new SourcePolicies(defaultLimit, BREAKER, overrides), TRIGGER_DEFAULTS, maxEventBytes);
    }

    public static TopologyConfig config(SourcePolicies sources, TriggerDefaults triggers, int maxEventBytes) {
        return new TopologyConfig(TOPICS, maxEventBytes, new GuardTiming(WINDOW, POLICY, "test-instance"), sources,
                triggers);
    }

    /** Publishes a trigger definition (JSON) at {@code T0 + offset}. */
    public void defineTrigger(String id, String json, Duration offset) {
        triggers.pipeInput(id, Events.utf8(json), T0.plus(offset));
    }

    /** Sends an operator command at {@code T0 + offset}. */
    public void command(String action, String entityType, String entityId, String until, Duration offset) {
        String json = "{\"action\":\"" + action + "\",\"entityType\":\"" + entityType + "\",\"entityId\":\""
                + entityId + "\",\"actor\":\"alice\",\"reason\":\"investigating\",\"requestedAt\":\""
                + T0.plus(offset) + "\"" + (until == null ? "" : ",\"until\":\"" + until + "\"") + "}";
        control.pipeInput(entityType + ":" + entityId, Events.utf8(json), T0.plus(offset));
    }

    /** Reports a start result at {@code T0 + offset}. */
    public void result(String triggerId, String eventId, String status, Duration offset) {
        startResults.pipeInput(Events.utf8(triggerId), Events.utf8("{\"eventId\":\"" + eventId + "\",\"triggerId\":\""
                + triggerId + "\",\"status\":\"" + status + "\"}"), T0.plus(offset));
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

    /** The last value of header {@code name} of an output record, as UTF-8; null when absent. */
    public static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The records {@code id} holds now, as its states say: a shared trigger's matches are held in the source
     * tasks that wait for its home's budget, the others' in their home.
     */
    public long held(EntityType type, String id) {
        long held = 0;
        for (TriggerHome.Stores names : storesOf(type)) {
            GuardState state = driver.<String, GuardState>getKeyValueStore(names.states()).get(id);
            held += state == null ? 0 : state.heldCount();
        }
        return held;
    }

    /** The guard state of {@code id}, wherever it lives (a trigger's in its home's store). */
    public java.util.Optional<GuardState> state(EntityType type, String id) {
        return homeStores(type, id).map(names -> driver.<String, GuardState>getKeyValueStore(names.states()).get(id));
    }

    /**
     * The stores of {@code id}: a source's, or those of the trigger's home that has a state for it (a
     * pinned trigger's in its source's task, a shared one's behind by-trigger); empty when none has.
     */
    public java.util.Optional<TriggerHome.Stores> homeStores(EntityType type, String id) {
        for (TriggerHome.Stores names : storesOf(type)) {
            if (driver.<String, GuardState>getKeyValueStore(names.states()).get(id) != null) {
                return java.util.Optional.of(names);
            }
        }
        return java.util.Optional.empty();
    }

    /** The records {@code id} holds now, read from its held stores (wherever it holds any), oldest first in each. */
    public List<HeldRecord> heldRecords(EntityType type, String id) {
        List<HeldRecord> records = new ArrayList<>();
        for (TriggerHome.Stores names : storesOf(type)) {
            GuardState state = driver.<String, GuardState>getKeyValueStore(names.states()).get(id);
            if (state != null) {
                records.addAll(HeldWork.peek(driver.getKeyValueStore(names.held()), id, state, Integer.MAX_VALUE));
            }
        }
        return records;
    }

    /** Every record a kind of entity holds, as the entities' states say, read from its held stores. */
    public List<HeldRecord> allHeld(EntityType type) {
        List<HeldRecord> records = new ArrayList<>();
        for (TriggerHome.Stores names : storesOf(type)) {
            KeyValueStore<String, GuardState> states = driver.getKeyValueStore(names.states());
            try (var all = states.all()) {
                all.forEachRemaining(entry -> records.addAll(HeldWork.peek(driver.getKeyValueStore(names.held()),
                        entry.key, entry.value, Integer.MAX_VALUE)));
            }
        }
        return records;
    }

    /**
     * Every record in a kind of entity's held stores, whatever the states say: with the records already
     * taken that a page keeps until its last is taken.
     */
    public List<HeldRecord> storedHeld(EntityType type) {
        List<HeldRecord> records = new ArrayList<>();
        for (TriggerHome.Stores names : storesOf(type)) {
            KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(names.held());
            try (var all = store.all()) {
                all.forEachRemaining(entry -> records.addAll(HeldPage.records(entry.value)));
            }
        }
        return records;
    }

    /** The fixture's state directory: the persistent stores' files, deleted by {@link #close}. */
    public Path stateDir() {
        return stateDir;
    }

    public double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(stateDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + stateDir, e);
        }
    }

    private static Path newStateDir() {
        try {
            return Files.createTempDirectory("topology-fixture-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a state directory", e);
        }
    }
}
