package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.topology.TopologyFixture.T0;
import static org.eventscheduler.topology.TopologyFixture.WINDOW;
import static org.eventscheduler.topology.TopologyFixture.header;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.trigger.SharedTriggerPath;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.eventscheduler.topology.guard.GuardStateSerde;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldOverride;
import org.eventscheduler.topology.hold.HoldSettings;
import org.eventscheduler.topology.hold.OnResume;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.source.SourceOverride;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.trigger.TriggerStages;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Held work comes back, whatever happens while it waits. Seeded random runs drive the whole topology:
 * events of three sources (two throttled, one that its rate pauses) matched by two throttled triggers;
 * operators' pauses (some with an {@code until}), resumes, releases and discards; a hold of its own for
 * each entity (a small {@code max-age} or {@code max-records} for some, every {@code on-resume}); start
 * results; time that moves on with records and by the wall clock alone; and restarts at random steps.
 * At the end every entity is resumed and time runs on until nothing is held. Then, in every run:
 * <ol>
 *   <li>every event ends exactly once at its source, and every match of an event its source let
 *       through ends exactly once at its trigger: let through, or dead-lettered with one reason;</li>
 *   <li>nothing goes on or ends at a time ahead of the clock;</li>
 *   <li>no interval of the window's length lets more of an entity's records through than its limit,
 *       apart from what operators' releases let go (which ignore the limit by design);</li>
 *   <li>each entity lets its records through in the order they reached it, except that what a resume
 *       kept ({@code on-resume: keep}) no longer holds newer work up;</li>
 *   <li>a record dead-lettered for its age waited its {@code max-age}, and not much longer; a discard
 *       comes from a resume whose hold says so or from an operator's command.</li>
 * </ol>
 * A failure names its seed and prints the run's steps; a run is deterministic, so its seed replays it
 * ({@code -Dheld-work.seeds=N}).
 *
 * <p>A restart is a clean stop and a start over the same state directory: the stores on disk are
 * flushed and closed, their files stay, and a new driver opens them, so the stages rebuild what they
 * keep in the heap (the due checks of the paused index) from the files at init, as in production. The
 * triggers' states and paused index are in-memory stores, which production restores from their
 * changelogs before the stage starts. TopologyTestDriver restores nothing: they are written into the new
 * driver from the changelogs the old one wrote, after the stage's init, so its due checks miss the
 * triggers that were in the paused index until their entry changes. The run notes when the stage
 * overlooks a trigger so, does not time the expiries of that while, and at the end has an operator
 * release what no look can reach.
 *
 * <p>Every record is piped at the clock's time, and the wall clock moves with it, a second a call at
 * most. Start results are records of the source stage's task that the stage never sees; so, in
 * TopologyTestDriver, which runs both stages in one task, are the matches and the sources' commands for
 * the other stage: a stage's idle look must count its quiet time from its own last record, or it acts
 * ahead of the clock ({@link #shouldKeepAQuietSourcesLooksAtTheClockWhileStartResultsArrive}).
 */
class HeldWorkPropertyTest {
    private static final long[] SEEDS = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181,
            6765, 10946};
    private static final int STEPS = 250;
    /** An expiry is seen to at the next look: within a bucket of stream time, or two of a quiet wall clock. */
    private static final long EXPIRY_SLACK_MILLIS = 3_000;
    /** Nothing waits longer than this after everything resumed: every max-age is at most a minute. */
    private static final Duration DRAIN_AT_MOST = Duration.ofMinutes(5);
    private static final List<String> TYPES = List.of("order.created", "order.paid", "note.added");
    private static final String HEARTBEAT = "heartbeat";
    private static final Set<String> HOLD_REASONS = Set.of("hold-expired", "hold-overflow", "discarded-on-resume",
            "discarded-by-operator");
    /** The stores on disk: flushed and closed by a stop, opened from their files by a start. */
    private static final List<String> STORES_ON_DISK = List.of(StoreNames.SOURCE_STATES, StoreNames.PAUSED_SOURCES,
            StoreNames.HELD_SOURCES, StoreNames.HELD_TRIGGERS, StoreNames.HELD_PINNED_TRIGGERS,
            StoreNames.HELD_GRANTED_TRIGGERS, StoreNames.TRIGGER_DEFINITIONS);
    /** The stores in memory, restored from their changelogs. */
    private static final List<String> STORES_IN_MEMORY = List.of(StoreNames.TRIGGER_STATES, StoreNames.PAUSED_TRIGGERS,
            StoreNames.PINNED_TRIGGER_STATES, StoreNames.PAUSED_PINNED_TRIGGERS, StoreNames.PINNED_TRIGGER_HOMES,
            StoreNames.GRANTED_TRIGGER_STATES, StoreNames.PAUSED_GRANTED_TRIGGERS, StoreNames.TRIGGER_BUDGETS,
            StoreNames.TRIGGER_GRANT_LEDGER);
    private static final GuardStateSerde STATE_SERDE = new GuardStateSerde(WINDOW);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(SharedTriggerPath.class)
    void heldWorkEndsOnceWithinItsLimitInArrivalOrderAcrossRestarts(SharedTriggerPath sharedTriggers) {
        Coverage coverage = new Coverage();
        for (long seed : seeds()) {
            Run run = new Run(seed, sharedTriggers);
            try {
                run.drive();
                run.check(coverage);
            } catch (AssertionError | RuntimeException e) {
                System.err.println("held-work run " + run + ", its steps:\n" + run.log);
                throw e;
            } finally {
                run.close();
            }
        }
        coverage.assertEverythingHappened();
    }

    /**
     * The smallest case of what the runs found first (seed 1, before TaskClock counted from the stage's own
     * last record): start results are records of the source stage's task (sub-topology 1) that the stage
     * never sees. They move the task's stream time on while the stage's quiet time runs from its own last
     * record; an idle look at the sum acts ahead of the clock, so held events go on (and expire) early, and
     * faster than the source's limit.
     */
    @Test
    void shouldKeepAQuietSourcesLooksAtTheClockWhileStartResultsArrive() {
        Entity batch = new Entity(EntityType.SOURCE, "batch", new RateLimit(10, LimitAction.THROTTLE),
                new HoldSettings(Duration.ofSeconds(30), 1000, OnResume.RELEASE));
        try (TopologyFixture fixture = new TopologyFixture(config(List.of(batch)))) {
            fixture.sendSpread("batch", 30, Duration.ZERO, Duration.ofMillis(30));
            assertThat(fixture.accepted.readRecordsToList()).hasSize(10);

            List<String> ahead = new ArrayList<>();
            for (long t = 500; t <= 9_500; t += 500) {
                fixture.driver.advanceWallClockTime(Duration.ofMillis(500));
                fixture.result("some-trigger", "x-" + t, "succeeded", Duration.ofMillis(t));
                long clock = T0.toEpochMilli() + t;
                long at = t;
                fixture.accepted.readRecordsToList().stream().filter(r -> r.timestamp() > clock).forEach(r ->
                        ahead.add(Events.idOf(r.value()) + " at +" + (r.timestamp() - T0.toEpochMilli()) + " ms, clock +"
                                + at + " ms"));
            }

            assertThat(ahead).as("released ahead of the clock").isEmpty();
            assertThat(fixture.held(EntityType.SOURCE, "batch")).as("the first ten leave the window at 10 s")
                    .isEqualTo(20);
        }
    }

    /** The seeds to run: {@link #SEEDS}, or those of {@code -Dheld-work.seeds=N,M} (to replay a failure alone). */
    private static long[] seeds() {
        String named = System.getProperty("held-work.seeds");
        return named == null ? SEEDS : Arrays.stream(named.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** A guarded entity of a run: its limit and its hold. */
    private record Entity(EntityType type, String id, RateLimit limit, HoldSettings hold) {
        String key() {
            return type.changelogKey(id);
        }
    }

    /** An event the run sent. */
    private record Sent(String id, String source, String type) {
    }

    /**
     * How a record ended at an entity, at a step: let through ({@code reason} null) or dead-lettered, at
     * {@code timestamp} (the record's), read when the clock said {@code seenAt}; {@code heldMillis} -1 when it
     * was not held there.
     */
    private record Outcome(int step, String entity, String eventId, String reason, long timestamp, long heldMillis,
                           boolean byOperator, long seenAt) {
        boolean letThrough() {
            return reason == null;
        }

        String record() {
            return entity + "/" + eventId;
        }
    }

    /** What the runs made happen, summed: a property is only checked if what it is about happened. */
    private static final class Coverage {
        private final Map<String, Integer> counts = new TreeMap<>();

        void add(String what, long count) {
            counts.merge(what, (int) count, Integer::sum);
        }

        void assertEverythingHappened() {
            assertThat(counts).as("what the runs made happen").allSatisfy((what, count) ->
                    assertThat(count).as(what).isPositive());
            assertThat(counts).containsKeys("restarts", "released by the limit", "released by an operator",
                    "kept and overtaken", "hold-expired", "hold-overflow", "discarded-on-resume",
                    "discarded-by-operator", "dead-lettered by a trigger");
        }
    }

    /** One seeded run: the entities, the driver, and everything sent and seen. */
    private static final class Run {
        private final long seed;
        private final Random random;
        private final List<Entity> entities;
        private final Map<String, Entity> byKey = new HashMap<>();
        private final TopologyConfig config;
        private TopologyFixture fixture;
        /** Milliseconds since {@link TopologyFixture#T0}: the record time and the wall clock. */
        private long now;
        private int step;
        private int heartbeats;
        private final Map<String, Sent> sent = new LinkedHashMap<>();
        /** Per entity, the ids of its records in the order they reached it. */
        private final Map<String, List<String>> arrivals = new HashMap<>();
        private final List<Outcome> outcomes = new ArrayList<>();
        /** Records ({@link Outcome#record()}) that were ever in a queue of kept records. */
        private final Set<String> kept = new HashSet<>();
        /** The entity an operator's release lets go, while its command is processed; null otherwise. */
        private String releasing;
        private final Map<Integer, String> operatorDiscards = new HashMap<>();
        private final List<Long> restarts = new ArrayList<>();
        /**
         * Triggers the trigger stage's due checks miss since a restart (see the class comment), with their entry
         * in the paused index then, and since when; they are back once the entry changes.
         */
        private final Map<String, List<Long>> overlookedEntry = new HashMap<>();
        private final Map<String, Long> overlookedSince = new HashMap<>();
        /** Per trigger, the times the trigger stage's due checks missed it: {from, to}. */
        private final Map<String, List<long[]>> overlooked = new HashMap<>();
        /** Per in-memory store, what its changelog holds, compacted. */
        private final Map<String, Map<String, Bytes>> changelogs = new HashMap<>();
        private final StringBuilder log = new StringBuilder();

        Run(long seed) {
            this(seed, SharedTriggerPath.HOP);
        }

        Run(long seed, SharedTriggerPath sharedTriggers) {
            this.seed = seed;
            this.random = new Random(seed);
            this.entities = entities(random);
            entities.forEach(entity -> {
                byKey.put(entity.key(), entity);
                arrivals.put(entity.key(), new ArrayList<>());
            });
            this.config = config(entities).withSharedTriggers(sharedTriggers);
            this.fixture = new TopologyFixture(config);
            this.inMemory = STORES_IN_MEMORY.stream().filter(fixture.driver.getAllStateStores()::containsKey).toList();
            this.onDisk = STORES_ON_DISK.stream().filter(fixture.driver.getAllStateStores()::containsKey).toList();
            this.triggerHomes = fixture.storesOf(EntityType.TRIGGER);
            inMemory.forEach(store -> changelogs.put(store, new HashMap<>()));
        }

        /** The stores of this run's topology (those of granted budget only with it). */
        private final List<String> inMemory;
        private final List<String> onDisk;
        private final List<TriggerHome.Stores> triggerHomes;

        @Override
        public String toString() {
            return "seed " + seed + " (" + config.sharedTriggers().configName() + ")";
        }

        void close() {
            fixture.close();
        }

        // ---- the run

        void drive() {
            begin("define the triggers " + entities);
            entities.stream().filter(entity -> entity.type() == EntityType.TRIGGER)
                    .forEach(trigger -> fixture.defineTrigger(trigger.id(), definition(trigger), at()));
            end();
            for (int i = 0; i < STEPS; i++) {
                int pick = random.nextInt(100);
                if (pick < 42) {
                    arrive(1);
                } else if (pick < 52) {
                    arrive(3 + random.nextInt(10));
                } else if (pick < 68) {
                    operatorActs();
                } else if (pick < 76) {
                    startResultsArrive();
                } else if (pick < 95) {
                    quiet(1 + random.nextInt(6));
                } else {
                    restart();
                }
            }
            resumeEverythingAndWait();
        }

        /** {@code count} events of one source at once, each of a random type. */
        private void arrive(int count) {
            timePasses();
            Entity source = entities.get(random.nextInt(3));
            begin(count + " event(s) of " + source.id());
            for (int i = 0; i < count; i++) {
                Sent event = new Sent(source.id() + "-e" + sent.size(), source.id(),
                        TYPES.get(random.nextInt(TYPES.size())));
                sent.put(event.id(), event);
                arrivals.get(source.key()).add(event.id());
                fixture.sendRaw(Events.utf8(source.id()), Events.structured(event.id(), source.id(), event.type()),
                        new RecordHeaders(), at());
            }
            end();
        }

        /** An operator pauses (maybe until a time), resumes, releases or discards one entity. */
        private void operatorActs() {
            timePasses();
            Entity entity = entities.get(random.nextInt(entities.size()));
            int pick = random.nextInt(100);
            String action = pick < 35 ? "pause" : pick < 70 ? "resume" : pick < 85 ? "release" : "discard";
            String until = action.equals("pause") && random.nextInt(3) == 0
                    ? T0.plusMillis(now + 2_000 + random.nextInt(18_000)).toString() : null;
            begin(action + " " + entity.key() + (until == null ? "" : " until " + until));
            look();
            if (action.equals("discard")) {
                operatorDiscards.put(step, entity.key());
            }
            releasing = action.equals("release") ? entity.key() : null;
            fixture.command(action, entity.type().code(), entity.id(), until, at());
            end();
        }

        /**
         * The workflow engine reports how starts went, for the latest starts (for no trigger before the first).
         * The source stage's task reads these records too, but the source stage does not see them.
         */
        private void startResultsArrive() {
            timePasses();
            List<Outcome> starts = outcomes.stream()
                    .filter(o -> o.letThrough() && o.entity().startsWith("trigger:")).toList();
            int count = 1 + random.nextInt(3);
            begin(count + " start result(s)");
            for (int i = 0; i < count; i++) {
                if (starts.isEmpty()) {
                    fixture.result(HEARTBEAT, HEARTBEAT, "succeeded", at());
                } else {
                    Outcome start = starts.get(Math.max(0, starts.size() - 1 - i));
                    fixture.result(start.entity().substring("trigger:".length()), start.eventId(), "succeeded", at());
                }
            }
            end();
        }

        /** The wall clock runs on, a second at a time, and no record arrives. */
        private void quiet(int seconds) {
            begin("quiet for " + seconds + " s");
            for (int s = 0; s < seconds; s++) {
                quietSecond();
            }
            end();
        }

        /** A second of the wall clock with no record: each stage's idle look may act. */
        private void quietSecond() {
            passTime(1_000);
            look();
        }

        /**
         * A clean stop and a start over the same state directory. The stopped driver is not closed: closing it
         * would delete the directory; its stores on disk are closed, and the rest is garbage.
         */
        private void restart() {
            timePasses();
            begin("restart");
            readChangelogs();
            assertChangelogsHoldWhatTheStoresHold();
            onDisk.forEach(store -> fixture.driver.getKeyValueStore(store).close());
            fixture = new TopologyFixture(config, fixture.stateDir(), T0.plusMillis(now));
            restoreStoresInMemory();
            restarts.add(clock());
            triggerHomes.stream().flatMap(home -> changelogs.get(home.paused()).keySet().stream()).forEach(trigger -> {
                overlookedEntry.put(trigger, pausedEntries(trigger));
                overlookedSince.putIfAbsent(trigger, clock());
            });
            // Kafka commits the task's stream time with its offsets; the new driver learns it from a record
            heartbeat();
            end();
        }

        /** Every entity resumed; then the wall clock runs on until nothing is held any more. */
        private void resumeEverythingAndWait() {
            passTime(500);
            look();
            begin("resume everything");
            entities.forEach(entity -> fixture.command("resume", entity.type().code(), entity.id(), null, at()));
            end();
            begin("wait until nothing is held");
            for (long s = 0; s < DRAIN_AT_MOST.toSeconds() && somethingHeldThatTheStagesLookAt(); s++) {
                quietSecond();
            }
            end();
            // what no look of the trigger stage can reach, an operator lets go
            for (String trigger : List.copyOf(overlookedSince.keySet())) {
                Entity entity = byKey.get(EntityType.TRIGGER.changelogKey(trigger));
                if (!fixture.heldRecords(EntityType.TRIGGER, trigger).isEmpty()) {
                    begin("release " + entity.key() + ", which the trigger stage overlooks since a restart");
                    releasing = entity.key();
                    fixture.command("release", "trigger", trigger, null, at());
                    end();
                }
            }
        }

        /** A record for each stage at the current time: an event of an unguarded source, a start result of no trigger. */
        private void heartbeat() {
            fixture.sendRaw(Events.utf8(HEARTBEAT), Events.structured(HEARTBEAT + "-" + heartbeats++, HEARTBEAT,
                    "heartbeat.tick"), new RecordHeaders(), at());
            fixture.result(HEARTBEAT, HEARTBEAT, "succeeded", at());
        }

        /** Record time and wall clock move on together, by at most a second (a wall-clock look a call). */
        private void passTime(long millis) {
            if (millis > 0) {
                fixture.driver.advanceWallClockTime(Duration.ofMillis(millis));
                now += millis;
            }
        }

        private Duration at() {
            return Duration.ofMillis(now);
        }

        /** The clock, epoch milliseconds. */
        private long clock() {
            return T0.toEpochMilli() + now;
        }

        private void begin(String what) {
            step++;
            log.append("step ").append(step).append(" at +").append(now).append(" ms: ").append(what).append('\n');
        }

        private void end() {
            look();
            releasing = null;
        }

        /** Reads what came out, and notes what the entities keep and what the trigger stage looks at. */
        private void look() {
            collectOutputs();
            noteKeptRecords();
            noteWhatTheTriggerStageLooksAt();
        }

        /** Some time passes before a step; what it brings out (releases, expiries) is of no command. */
        private void timePasses() {
            passTime(random.nextInt(600));
            look();
        }

        // ---- what comes out

        /** Reads what came out since the last look. */
        private void collectOutputs() {
            for (TestRecord<String, byte[]> accepted : fixture.accepted.readRecordsToList()) {
                if (!accepted.key().equals(HEARTBEAT)) {
                    String id = Events.idOf(accepted.value());
                    letThrough(EntityType.SOURCE.changelogKey(accepted.key()), id, accepted);
                    Sent event = sent.get(id);
                    if (event != null) {
                        triggersOf(event).forEach(trigger -> arrivals.get(trigger).add(id));
                    }
                }
            }
            for (TestRecord<String, WorkflowStart> start : fixture.starts.readRecordsToList()) {
                letThrough(EntityType.TRIGGER.changelogKey(start.key()), start.value().eventId(), start);
            }
            for (TestRecord<byte[], byte[]> dead : fixture.dlq.readRecordsToList()) {
                String entity = String.valueOf(header(dead, SchedulerHeaders.ENTITY));
                outcomes.add(new Outcome(step, entity, deadEventId(entity, dead.value()),
                        String.valueOf(header(dead, SchedulerHeaders.REASON)), dead.timestamp(), heldMillis(dead), false,
                        clock()));
            }
            // the audit topics are not what this test is about; read, so that the driver does not keep them
            fixture.paused.readRecordsToList();
            fixture.throttled.readRecordsToList();
        }

        private void letThrough(String entity, String eventId, TestRecord<?, ?> record) {
            outcomes.add(new Outcome(step, entity, eventId, null, record.timestamp(), heldMillis(record),
                    entity.equals(releasing), clock()));
        }

        /** Notes the records each entity keeps now (a resume kept them): the first of what it holds. */
        private void noteKeptRecords() {
            for (Entity entity : entities) {
                GuardState state = fixture.state(entity.type(), entity.id()).orElse(null);
                if (state != null && state.heldKept() > 0) {
                    fixture.heldRecords(entity.type(), entity.id()).subList(0, (int) state.heldKept())
                            .forEach(held -> kept.add(entity.key() + "/" + heldEventId(entity.type(), held)));
                }
            }
        }

        /** A trigger overlooked since a restart is back in the due checks once its paused-index entry changed. */
        private void noteWhatTheTriggerStageLooksAt() {
            for (String trigger : List.copyOf(overlookedSince.keySet())) {
                if (lookedAtAgain(overlookedEntry.get(trigger), pausedEntries(trigger))) {
                    overlooked.computeIfAbsent(trigger, t -> new ArrayList<>())
                            .add(new long[] {overlookedSince.remove(trigger), clock()});
                    overlookedEntry.remove(trigger);
                }
            }
        }

        private boolean somethingHeldThatTheStagesLookAt() {
            return !fixture.allHeld(EntityType.SOURCE).isEmpty() || entities.stream()
                    .filter(entity -> entity.type() == EntityType.TRIGGER && !overlookedSince.containsKey(entity.id()))
                    .anyMatch(trigger -> !fixture.heldRecords(EntityType.TRIGGER, trigger.id()).isEmpty());
        }

        /**
         * The trigger's entries in the paused index of each stage that may hold its state (its home, and for a
         * shared trigger the source tasks' stage too); null where it has none.
         */
        private List<Long> pausedEntries(String trigger) {
            List<Long> entries = new ArrayList<>();
            for (TriggerHome.Stores home : triggerHomes) {
                entries.add(fixture.driver.<String, Long>getKeyValueStore(home.paused()).get(trigger));
            }
            return entries;
        }

        /** Every stage that had an entry at the restart changed it since: each looked at the trigger again. */
        private static boolean lookedAtAgain(List<Long> atRestart, List<Long> now) {
            for (int i = 0; i < atRestart.size(); i++) {
                if (atRestart.get(i) != null && Objects.equals(atRestart.get(i), now.get(i))) {
                    return false;
                }
            }
            return true;
        }

        /** Who holds how many records in which store, and their states. */
        private String whereHeld() {
            StringBuilder where = new StringBuilder();
            for (EntityType type : EntityType.values()) {
                for (TriggerHome.Stores home : fixture.storesOf(type)) {
                    fixture.driver.<String, GuardState>getKeyValueStore(home.states()).all().forEachRemaining(entry -> {
                        if (entry.value.heldCount() > 0) {
                            where.append(home.states()).append(' ').append(entry.key).append(": ")
                                    .append(entry.value.heldCount()).append(" held, paused ")
                                    .append(entry.value.isPaused()).append(", next check ")
                                    .append(entry.value.nextHeldCheck()).append("; ");
                        }
                    });
                }
            }
            return where.toString();
        }

        private boolean somethingHeld() {
            return !fixture.allHeld(EntityType.SOURCE).isEmpty() || !fixture.allHeld(EntityType.TRIGGER).isEmpty();
        }

        // ---- restarts

        /** Adds what the changelogs of the in-memory stores got since the driver started. */
        private void readChangelogs() {
            for (String store : inMemory) {
                Map<String, Bytes> compacted = changelogs.get(store);
                fixture.driver.createOutputTopic("topology-test-" + store + "-changelog", new StringDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList().forEach(record -> {
                            if (record.value() == null) {
                                compacted.remove(record.key());
                            } else {
                                compacted.put(record.key(), Bytes.wrap(record.value()));
                            }
                        });
            }
        }

        /** What a restore would bring back is what the stores hold. */
        private void assertChangelogsHoldWhatTheStoresHold() {
            LongSerializer longs = new LongSerializer();
            for (TriggerHome.Stores home : triggerHomes) {
                Map<String, Bytes> states = new HashMap<>();
                fixture.driver.<String, GuardState>getKeyValueStore(home.states()).all().forEachRemaining(entry ->
                        states.put(entry.key, Bytes.wrap(STATE_SERDE.serializer().serialize(null, entry.value))));
                Map<String, Bytes> paused = new HashMap<>();
                fixture.driver.<String, Long>getKeyValueStore(home.paused()).all().forEachRemaining(entry ->
                        paused.put(entry.key, Bytes.wrap(longs.serialize(null, entry.value))));
                assertThat(changelogs.get(home.states())).as("%s: the changelog of %s", this, home.states())
                        .isEqualTo(states);
                assertThat(changelogs.get(home.paused())).as("%s: the changelog of %s", this, home.paused())
                        .isEqualTo(paused);
            }
        }

        private void restoreStoresInMemory() {
            LongDeserializer longs = new LongDeserializer();
            for (TriggerHome.Stores home : triggerHomes) {
                KeyValueStore<String, GuardState> states = fixture.driver.getKeyValueStore(home.states());
                changelogs.get(home.states()).forEach((id, bytes) ->
                        states.put(id, STATE_SERDE.deserializer().deserialize(null, bytes.get())));
                KeyValueStore<String, Long> paused = fixture.driver.getKeyValueStore(home.paused());
                changelogs.get(home.paused()).forEach((id, bytes) -> paused.put(id, longs.deserialize(null, bytes.get())));
            }
            KeyValueStore<String, String> homes = fixture.driver.getKeyValueStore(StoreNames.PINNED_TRIGGER_HOMES);
            changelogs.get(StoreNames.PINNED_TRIGGER_HOMES).forEach((id, bytes) ->
                    homes.put(id, new String(bytes.get(), java.nio.charset.StandardCharsets.UTF_8)));
            if (config.sharedTriggers() == SharedTriggerPath.GRANTED_BUDGET) {
                KeyValueStore<String, Object> budgets = fixture.driver.getKeyValueStore(StoreNames.TRIGGER_BUDGETS);
                changelogs.get(StoreNames.TRIGGER_BUDGETS).forEach((id, bytes) ->
                        budgets.put(id, TriggerStages.readBudget(bytes.get())));
                KeyValueStore<String, Object> ledgers = fixture.driver.getKeyValueStore(StoreNames.TRIGGER_GRANT_LEDGER);
                changelogs.get(StoreNames.TRIGGER_GRANT_LEDGER).forEach((id, bytes) ->
                        ledgers.put(id, TriggerStages.readGrantLedger(bytes.get())));
            }
        }

        // ---- the properties

        void check(Coverage coverage) {
            assertThat(somethingHeld()).as("%s: still held after %s with everything resumed: %s", this, DRAIN_AT_MOST,
                    whereHeld()).isFalse();
            checkEveryRecordEndsOnce();
            checkNothingHappensAheadOfTheClock();
            checkNoWindowLetsMoreThroughThanItsLimit();
            checkEachEntityKeepsArrivalOrder(coverage);
            checkDeadLetterReasons();
            coverage.add("restarts", restarts.size());
            coverage.add("released by the limit", outcomes.stream().filter(o -> o.letThrough() && !o.byOperator()
                    && o.entity().startsWith("source:") && o.heldMillis() >= 0).count());
            coverage.add("released by an operator", outcomes.stream().filter(Outcome::byOperator).count());
            coverage.add("dead-lettered by a trigger", outcomes.stream()
                    .filter(o -> !o.letThrough() && o.entity().startsWith("trigger:")).count());
            outcomes.stream().filter(o -> !o.letThrough()).forEach(o -> coverage.add(o.reason(), 1));
        }

        /** Conservation: each event ends once at its source, each match of one let through once at its trigger. */
        private void checkEveryRecordEndsOnce() {
            Set<String> expected = new HashSet<>();
            sent.values().forEach(event -> expected.add(EntityType.SOURCE.changelogKey(event.source()) + "/" + event.id()));
            outcomes.stream().filter(o -> o.letThrough() && o.entity().startsWith("source:") && sent.containsKey(o.eventId()))
                    .forEach(o -> triggersOf(sent.get(o.eventId())).forEach(trigger -> expected.add(trigger + "/" + o.eventId())));
            Map<String, Long> ends = outcomes.stream().collect(Collectors.groupingBy(Outcome::record, Collectors.counting()));

            assertThat(expected).as("%s: records that never ended", this).filteredOn(record -> !ends.containsKey(record))
                    .isEmpty();
            assertThat(ends.keySet()).as("%s: outcomes of no record sent", this).filteredOn(record -> !expected.contains(record))
                    .isEmpty();
            assertThat(ends).as("%s: records that ended more than once", this).allSatisfy((record, count) ->
                    assertThat(count).as("%s: %s ended %d times: %s", this, record, count, outcomesOf(record)).isOne());
            assertThat(outcomes).filteredOn(o -> !o.letThrough()).as("%s: dead letters of held work", this)
                    .allMatch(o -> HOLD_REASONS.contains(o.reason()));
        }

        /**
         * A record goes on or ends at the time of the look that decided it: never later than the clock, or an
         * expiry would come early and a window would count records in buckets that have not begun.
         */
        private void checkNothingHappensAheadOfTheClock() {
            assertThat(outcomes).as("%s: outcomes timestamped ahead of the clock", this)
                    .filteredOn(o -> o.timestamp() > o.seenAt()).isEmpty();
        }

        /**
         * The limit holds over every interval of the window's length, released work included: from no record
         * let through on, within 10 s, more than the limit (by the times the records went on at), operators'
         * releases left out.
         */
        private void checkNoWindowLetsMoreThroughThanItsLimit() {
            long size = WINDOW.size().toMillis();
            for (Entity entity : entities) {
                List<Long> times = outcomes.stream()
                        .filter(o -> o.entity().equals(entity.key()) && o.letThrough() && !o.byOperator())
                        .map(Outcome::timestamp).sorted().toList();
                for (int first = 0, last = 0; first < times.size(); first++) {
                    while (last < times.size() && times.get(last) < times.get(first) + size) {
                        last++;
                    }
                    assertThat((long) (last - first)).as("%s: %s let %d through in the %d ms from %s, limit %d", this,
                                    entity.key(), last - first, size, Instant.ofEpochMilli(times.get(first)),
                                    entity.limit().maxEvents())
                            .isLessThanOrEqualTo(entity.limit().maxEvents());
                }
            }
        }

        /**
         * Strict FIFO per entity, held work before new work; the one exception is what a resume kept: it
         * waits apart, for an operator, and newer work may overtake it. So whenever a record comes out after
         * one that reached the entity later, it is a kept record, overtaken by one never kept.
         */
        private void checkEachEntityKeepsArrivalOrder(Coverage coverage) {
            for (Entity entity : entities) {
                Map<String, Integer> arrival = new HashMap<>();
                List<String> reached = arrivals.get(entity.key());
                for (int i = 0; i < reached.size(); i++) {
                    arrival.put(reached.get(i), i);
                }
                List<String> out = outcomes.stream().filter(o -> o.entity().equals(entity.key()) && o.letThrough())
                        .map(Outcome::eventId).toList();
                for (int i = 0; i < out.size(); i++) {
                    for (int j = i + 1; j < out.size(); j++) {
                        String first = out.get(i);
                        String later = out.get(j);
                        if (arrival.get(later) < arrival.get(first)) {
                            boolean laterKept = kept.contains(entity.key() + "/" + later);
                            boolean firstKept = kept.contains(entity.key() + "/" + first);
                            assertThat(laterKept && !firstKept).as("%s: %s let %s (kept: %s) through before %s "
                                    + "(kept: %s), which reached it earlier", this, entity.key(), first, firstKept,
                                    later, laterKept).isTrue();
                            coverage.add("kept and overtaken", 1);
                        }
                    }
                }
            }
        }

        /**
         * Each dead letter's reason fits what happened: an expired record waited its max-age (and, when the
         * entity was looked at all along, not much longer), a resume discards for an entity whose hold says
         * so, an operator's discard at the step of the command.
         */
        private void checkDeadLetterReasons() {
            for (Outcome o : outcomes) {
                Entity entity = byKey.get(o.entity());
                if (o.letThrough() || entity == null) {
                    continue;
                }
                switch (o.reason()) {
                    case "hold-expired" -> {
                        long maxAge = entity.hold().maxAge().toMillis();
                        assertThat(o.heldMillis()).as("%s: %s expired before its max-age", this, o).isGreaterThanOrEqualTo(maxAge);
                        if (lookedAtAllAlong(entity, o)) {
                            assertThat(o.heldMillis()).as("%s: %s expired long after its max-age", this, o)
                                    .isLessThanOrEqualTo(maxAge + EXPIRY_SLACK_MILLIS);
                        }
                    }
                    case "discarded-on-resume" -> assertThat(entity.hold().onResume())
                            .as("%s: %s discarded on resume", this, o).isEqualTo(OnResume.DISCARD);
                    case "discarded-by-operator" -> assertThat(operatorDiscards.get(o.step()))
                            .as("%s: %s discarded by an operator", this, o).isEqualTo(o.entity());
                    default -> {
                    }
                }
            }
        }

        /**
         * Whether the stage had the record's entity in its due checks the whole time it held it: always a
         * source's (a start rebuilds them from the paused index); a trigger's unless it was overlooked since a
         * restart meanwhile.
         */
        private boolean lookedAtAllAlong(Entity entity, Outcome o) {
            if (entity.type() == EntityType.SOURCE) {
                return true;
            }
            long heldAt = o.timestamp() - o.heldMillis();
            List<long[]> missed = new ArrayList<>(overlooked.getOrDefault(entity.id(), List.of()));
            if (overlookedSince.containsKey(entity.id())) {
                missed.add(new long[] {overlookedSince.get(entity.id()), Long.MAX_VALUE});
            }
            return missed.stream().noneMatch(period -> period[0] <= o.timestamp() && heldAt <= period[1]);
        }

        private List<Outcome> outcomesOf(String record) {
            return outcomes.stream().filter(o -> o.record().equals(record)).toList();
        }
    }

    // ---- the entities and their configuration

    /**
     * Two throttled sources, one whose rate pauses it, and two throttled triggers: t-0 matches every
     * {@code order.created}, t-1 every {@code order.*} of s-1.
     */
    private static List<Entity> entities(Random random) {
        List<Entity> entities = new ArrayList<>();
        entities.add(new Entity(EntityType.SOURCE, "s-0", new RateLimit(3 + random.nextInt(8), LimitAction.THROTTLE),
                hold(random)));
        entities.add(new Entity(EntityType.SOURCE, "s-1", new RateLimit(2 + random.nextInt(5), LimitAction.THROTTLE),
                hold(random)));
        entities.add(new Entity(EntityType.SOURCE, "s-2", new RateLimit(4 + random.nextInt(5), LimitAction.PAUSE),
                hold(random)));
        entities.add(new Entity(EntityType.TRIGGER, "t-0", new RateLimit(2 + random.nextInt(5), LimitAction.THROTTLE),
                hold(random)));
        entities.add(new Entity(EntityType.TRIGGER, "t-1", new RateLimit(2 + random.nextInt(4), LimitAction.THROTTLE),
                hold(random)));
        return entities;
    }

    /** A small max-age or max-records for some, the defaults' order of magnitude for others. */
    private static HoldSettings hold(Random random) {
        return new HoldSettings(Duration.ofSeconds(new int[] {4, 10, 25, 60}[random.nextInt(4)]),
                new int[] {3, 8, 40, 1_000}[random.nextInt(4)], OnResume.values()[random.nextInt(OnResume.values().length)]);
    }

    /** The keys of the triggers {@code event} matches, as their definitions say. */
    private static List<String> triggersOf(Sent event) {
        List<String> triggers = new ArrayList<>(2);
        if (event.type().equals("order.created")) {
            triggers.add(EntityType.TRIGGER.changelogKey("t-0"));
        }
        if (event.source().equals("s-1") && event.type().startsWith("order.")) {
            triggers.add(EntityType.TRIGGER.changelogKey("t-1"));
        }
        return triggers;
    }

    private static String definition(Entity trigger) {
        String match = trigger.id().equals("t-0") ? "\"type\":\"order.created\""
                : "\"source\":\"s-1\",\"type-prefix\":\"order.\"";
        HoldSettings hold = trigger.hold();
        return "{\"id\":\"" + trigger.id() + "\"," + match + ",\"workflow\":\"w-" + trigger.id() + "\","
                + "\"rate-limit\":{\"max-events\":" + trigger.limit().maxEvents() + ",\"action\":\"throttle\"},"
                + "\"hold\":{\"max-age\":\"" + hold.maxAge().toSeconds() + "s\",\"max-records\":" + hold.maxRecords()
                + ",\"on-resume\":\"" + hold.onResume().configName() + "\"}}";
    }

    private static TopologyConfig config(List<Entity> entities) {
        List<SourceOverride> overrides = entities.stream().filter(entity -> entity.type() == EntityType.SOURCE)
                .map(source -> new SourceOverride(Optional.of(source.id()), Optional.empty(),
                        Optional.of(source.limit()), Optional.empty(), Optional.of(new HoldOverride(
                        Optional.of(source.hold().maxAge()), Optional.of(source.hold().maxRecords()),
                        Optional.of(source.hold().onResume())))))
                .toList();
        return TopologyFixture.config(new SourcePolicies(new RateLimit(1000, LimitAction.PAUSE), TopologyFixture.BREAKER,
                HoldSettings.DEFAULTS, overrides), TopologyFixture.TRIGGER_DEFAULTS, 1024 * 1024);
    }

    // ---- reading records

    private static long heldMillis(TestRecord<?, ?> record) {
        String held = header(record, SchedulerHeaders.HELD_MS);
        return held == null ? -1 : Long.parseLong(held);
    }

    /** The event id of a dead letter: the event itself from a source, the start it would have been from a trigger. */
    private static String deadEventId(String entity, byte[] value) {
        if (entity.startsWith("trigger:")) {
            return startEventId(value);
        }
        String json = new String(value, StandardCharsets.UTF_8);
        return json.contains("\"id\":\"") ? Events.idOf(value) : json;
    }

    private static String heldEventId(EntityType type, HeldRecord held) {
        return type == EntityType.SOURCE ? Events.idOf(held.value()) : startEventId(TriggerStages.heldStartJson(held.value()));
    }

    private static String startEventId(byte[] startJson) {
        try {
            return JSON.readTree(startJson).path("eventId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
