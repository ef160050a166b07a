package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.topology.TopologyFixture.T0;
import static org.eventscheduler.topology.TopologyFixture.header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HeldPage;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.hold.HoldOverride;
import org.eventscheduler.topology.hold.HoldSettings;
import org.eventscheduler.topology.hold.OnResume;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.eventscheduler.topology.source.SourceOverride;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.trigger.WorkflowStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a safeguard holds back comes back: a throttle delays, a resume releases (or discards, or keeps),
 * nothing waits longer than {@code hold.max-age} and no queue grows past {@code hold.max-records}.
 */
class HeldWorkTopologyTest {
    private TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void withSource(String source, RateLimit limit, HoldOverride hold) {
        fixture.close();
        fixture = new TopologyFixture(TopologyFixture.config(new SourcePolicies(new RateLimit(1000, LimitAction.PAUSE),
                TopologyFixture.BREAKER, HoldSettings.DEFAULTS, List.of(new SourceOverride(Optional.of(source),
                        Optional.empty(), Optional.of(limit), Optional.empty(), Optional.of(hold)))),
                TopologyFixture.TRIGGER_DEFAULTS, 1024 * 1024));
    }

    private static HoldOverride hold(Duration maxAge, Integer maxRecords, OnResume onResume) {
        return new HoldOverride(Optional.ofNullable(maxAge), Optional.ofNullable(maxRecords), Optional.ofNullable(onResume));
    }

    /** Lets the wall clock run, one second at a time, with no record arriving. */
    private void quietFor(Duration span) {
        for (long s = 0; s < span.toSeconds(); s++) {
            fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    /** The largest number of records in any window of 10 consecutive one-second buckets. */
    private static long busiestWindow(List<Long> timestamps) {
        Map<Long, Long> perBucket = new TreeMap<>();
        timestamps.forEach(t -> perBucket.merge(Math.floorDiv(t, 1000L), 1L, Long::sum));
        long busiest = 0;
        for (long first : perBucket.keySet()) {
            long sum = 0;
            for (long b = first; b < first + 10; b++) {
                sum += perBucket.getOrDefault(b, 0L);
            }
            busiest = Math.max(busiest, sum);
        }
        return busiest;
    }

    @Test
    void shouldDelayAThrottledBurstAndReleaseItAtTheLimitWhileNoRecordArrives() {
        withSource("batch", new RateLimit(50, LimitAction.THROTTLE), hold(null, null, null));
        fixture.sendSpread("batch", 500, Duration.ZERO, Duration.ofMillis(500));
        assertThat(fixture.accepted.readRecordsToList()).hasSize(50);
        assertThat(fixture.held(EntityType.SOURCE, "batch")).isEqualTo(450);

        quietFor(Duration.ofSeconds(100));

        List<TestRecord<String, byte[]>> released = fixture.accepted.readRecordsToList();
        assertThat(released).hasSize(450);
        assertThat(released).extracting(r -> Events.idOf(r.value())).as("in the order they arrived")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(50, 500).mapToObj(i -> "batch-0-" + i).toList());
        List<Long> times = new java.util.ArrayList<>();
        times.addAll(java.util.Collections.nCopies(50, T0.toEpochMilli()));
        released.forEach(r -> times.add(r.timestamp()));
        assertThat(busiestWindow(times)).as("never more than the limit in any window").isEqualTo(50);
        // 50 at once, then 50 whenever a bucket with 50 starts leaves the window: the last batch at about 90 s
        assertThat(released.getLast().timestamp() - T0.toEpochMilli()).isBetween(90_000L, 91_000L);
        assertThat(fixture.held(EntityType.SOURCE, "batch")).isZero();
        assertThat(fixture.counter(SchedulerMetrics.RELEASED, "entity_type", "source", "cause", "rate-limited"))
                .isEqualTo(450);
    }

    @Test
    void shouldLookAtAThrottledSourceAgainWhenItsWindowMakesRoomNotAtEveryBucket() {
        withSource("batch", new RateLimit(10, LimitAction.THROTTLE), hold(null, null, null));
        fixture.sendSpread("batch", 15, Duration.ofMillis(2_500), Duration.ofMillis(15));
        fixture.send("tick", "heartbeat", Duration.ofMillis(3_500));

        // ten starts from 2.500 s to 2.509 s: the window has room when the last of them is 10 s old, at 12.509 s,
        // when the five held ones may go
        Long nextCheck = fixture.driver.<String, Long>getKeyValueStore(StoreNames.PAUSED_SOURCES).get("batch");
        assertThat(nextCheck).isEqualTo(T0.plusMillis(12_509).toEpochMilli());
    }

    @Test
    void shouldKeepANewEventBehindHeldOnesEvenWhenTheWindowHasRoomForIt() {
        withSource("batch", new RateLimit(50, LimitAction.THROTTLE), hold(null, null, null));
        fixture.sendSpread("batch", 200, Duration.ZERO, Duration.ofMillis(200));
        fixture.accepted.readRecordsToList();

        // at 10.5 s the first 50 leave the window: the new event finds room, but 150 older ones wait
        fixture.send("late", "batch", Duration.ofMillis(10_500));

        List<TestRecord<String, byte[]>> accepted = fixture.accepted.readRecordsToList();
        assertThat(accepted).hasSize(50);
        assertThat(accepted).extracting(r -> Events.idOf(r.value())).doesNotContain("late").startsWith("batch-0-50");
        quietFor(Duration.ofSeconds(40));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value())).hasSize(101)
                .endsWith("batch-0-199", "late");
    }

    @Test
    void shouldReleaseWhatAPausedSourceHeldOnResumeOldestFirstAheadOfNewEvents() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        for (int i = 0; i < 20; i++) {
            fixture.send("held-" + i, "orders", Duration.ofSeconds(1).plusMillis(i));
        }
        assertThat(fixture.accepted.isEmpty()).isTrue();
        fixture.command("resume", "source", "orders", null, Duration.ofSeconds(5));
        fixture.send("new-0", "orders", Duration.ofSeconds(6));

        List<TestRecord<String, byte[]>> accepted = fixture.accepted.readRecordsToList();
        assertThat(accepted).extracting(r -> Events.idOf(r.value())).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "held-" + i),
                        java.util.stream.Stream.of("new-0")).toList());
        assertThat(accepted.getFirst().timestamp()).as("released at the resume").isEqualTo(T0.plusSeconds(5).toEpochMilli());
        assertThat(header(accepted.getFirst(), SchedulerHeaders.HELD_MS)).isEqualTo("4000");
        assertThat(header(accepted.getFirst(), SchedulerHeaders.ORIGIN)).as("traceable to its input")
                .startsWith("events.ingress-0@");
        assertThat(header(accepted.getFirst(), SchedulerHeaders.CORRELATION_ID)).isEqualTo("held-0");
        assertThat(header(accepted.getLast(), SchedulerHeaders.HELD_MS)).as("never held").isNull();
    }

    @Test
    void shouldHoldAPausedSourcesEventsUnreadAndDeadLetterAnInvalidOneWhenItComesBack() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        fixture.send("valid-0", "orders", Duration.ofSeconds(1));
        // not JSON: read at once it would be dead-lettered now; keyed by a paused source it is held unread
        fixture.sendRaw(Events.utf8("orders"), Events.utf8("not json"), new RecordHeaders(), Duration.ofSeconds(2));
        fixture.send("valid-1", "orders", Duration.ofSeconds(3));
        assertThat(fixture.dlq.isEmpty()).as("nothing is read while the source is paused").isTrue();
        assertThat(fixture.held(EntityType.SOURCE, "orders")).isEqualTo(3);

        fixture.command("resume", "source", "orders", null, Duration.ofSeconds(5));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value()))
                .containsExactly("valid-0", "valid-1");
        var deadLetter = fixture.dlq.readRecordsToList();
        assertThat(deadLetter).singleElement().satisfies(record -> {
            assertThat(header(record, SchedulerHeaders.REASON)).as("its reason when it came back").isEqualTo("invalid-json");
            assertThat(header(record, SchedulerHeaders.ENTITY)).isEqualTo("source:orders");
            assertThat(header(record, SchedulerHeaders.ORIGIN)).isEqualTo("events.ingress-0@1");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        });
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "invalid-json")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAHeldEventWhoseSourceIsNotItsKeyWhenItComesBack() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        // keyed by the paused source, as the contract says a record is keyed by its own: held as its event
        fixture.sendRaw(Events.utf8("orders"), Events.structured("billing-0", "billing"), new RecordHeaders(),
                Duration.ofSeconds(1));
        assertThat(fixture.held(EntityType.SOURCE, "orders")).isEqualTo(1);
        fixture.command("resume", "source", "orders", null, Duration.ofSeconds(2));
        assertThat(fixture.accepted.isEmpty()).isTrue();
        assertThat(fixture.dlq.readRecordsToList()).singleElement().satisfies(record ->
                assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("source-key-mismatch"));
    }

    @Test
    void shouldHoldARatePausedSourcesEventsUnreadWhileTheirRateKeepsItPausedPastItsCooldown() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::state).containsExactly(PauseState.PAUSED);
        // past the cooldown (60 s after the pause at 2 s), still storming: over 80 % of the limit in the window
        fixture.sendSpread("storm", 900, Duration.ofSeconds(61), Duration.ofMillis(900));
        fixture.sendRaw(Events.utf8("storm"), Events.utf8("not json"), new RecordHeaders(), Duration.ofMillis(62_500));
        assertThat(fixture.pauseChanges()).isEmpty();
        assertThat(fixture.dlq.isEmpty()).as("held unread, like every event of the paused source").isTrue();
    }

    @Test
    void shouldReadTheEventOfARatePausedSourceThatCanEndItsPause() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        fixture.pauseChanges();
        // past the cooldown and quiet: the next event may resume the source, so it is read and decided
        fixture.sendRaw(Events.utf8("storm"), Events.utf8("not json"), new RecordHeaders(), Duration.ofSeconds(70));
        assertThat(fixture.dlq.readRecordsToList()).singleElement().satisfies(record ->
                assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("invalid-json"));
    }

    @Test
    void shouldReadTheEventsOfASourceThatIsNotPausedAtOnce() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        fixture.sendRaw(Events.utf8("billing"), Events.utf8("not json"), new RecordHeaders(), Duration.ofSeconds(1));
        assertThat(fixture.dlq.readRecordsToList()).singleElement().satisfies(record ->
                assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("invalid-json"));
    }

    @Test
    void shouldDeadLetterWhatASourceHeldOnResumeWhenItsHoldSaysDiscard() {
        withSource("noisy", new RateLimit(1000, LimitAction.PAUSE), hold(null, null, OnResume.DISCARD));
        fixture.command("pause", "source", "noisy", null, Duration.ZERO);
        for (int i = 0; i < 20; i++) {
            fixture.send("held-" + i, "noisy", Duration.ofSeconds(1).plusMillis(i));
        }
        fixture.command("resume", "source", "noisy", null, Duration.ofSeconds(5));
        fixture.send("new-0", "noisy", Duration.ofSeconds(6));

        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(20).allSatisfy(r -> {
            assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("discarded-on-resume");
            assertThat(header(r, SchedulerHeaders.ENTITY)).isEqualTo("source:noisy");
            assertThat(header(r, SchedulerHeaders.HELD_REASON)).isEqualTo("source-paused");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("noisy");
        });
        assertThat(dead).extracting(r -> Events.idOf(r.value())).startsWith("held-0", "held-1");
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value())).containsExactly("new-0");
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "discarded-on-resume")).isEqualTo(20);
        List<HoldNotice> notices = fixture.throttled.readValuesToList();
        assertThat(notices).extracting(HoldNotice::event).containsExactly(HoldNotice.Event.HOLDING, HoldNotice.Event.DRAINED);
        assertThat(notices.getLast().held()).isEqualTo(20);
        assertThat(notices.getLast().discarded()).isEqualTo(20);
        assertThat(notices.getLast().released()).isZero();
    }

    @Test
    void shouldKeepWhatASourceHeldOnResumeWhenItsHoldSaysKeepWhileNewEventsFlow() {
        withSource("careful", new RateLimit(1000, LimitAction.PAUSE), hold(Duration.ofMinutes(10), null, OnResume.KEEP));
        fixture.command("pause", "source", "careful", null, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            fixture.send("held-" + i, "careful", Duration.ofSeconds(1).plusMillis(i));
        }
        fixture.command("resume", "source", "careful", null, Duration.ofSeconds(5));
        fixture.send("new-0", "careful", Duration.ofSeconds(6));
        fixture.send("new-1", "careful", Duration.ofSeconds(7));

        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value()))
                .containsExactly("new-0", "new-1");
        assertThat(fixture.held(EntityType.SOURCE, "careful")).as("kept until an operator acts").isEqualTo(5);

        // kept work still expires: nothing waits forever
        fixture.send("late", "careful", Duration.ofMinutes(11));
        assertThat(fixture.dlq.readRecordsToList()).hasSize(5)
                .allSatisfy(r -> assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("hold-expired"));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value())).containsExactly("late");
    }

    @Test
    void shouldLetEverythingGoOnAnOperatorsReleaseWhileTheSourceStaysPaused() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        fixture.pauseChanges();
        for (int i = 0; i < 20; i++) {
            fixture.send("held-" + i, "orders", Duration.ofSeconds(1).plusMillis(i));
        }
        fixture.command("release", "source", "orders", null, Duration.ofSeconds(5));

        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value())).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "held-" + i).toList());
        assertThat(fixture.pauseChanges()).as("a release is no resume").isEmpty();
        assertThat(fixture.counter(SchedulerMetrics.RELEASED, "entity_type", "source", "cause", "source-paused"))
                .isEqualTo(20);
        fixture.send("new-0", "orders", Duration.ofSeconds(6));
        assertThat(fixture.accepted.isEmpty()).as("still paused: new events are held").isTrue();
        assertThat(fixture.held(EntityType.SOURCE, "orders")).isEqualTo(1);
    }

    @Test
    void shouldPaceAnOperatorsReleaseAtTheRateItAsksFor() {
        fixture.command("pause", "source", "orders", null, Duration.ZERO);
        for (int i = 0; i < 30; i++) {
            fixture.send("held-" + i, "orders", Duration.ofSeconds(1).plusMillis(i));
        }
        fixture.control.pipeInput("source:orders", Events.utf8("{\"action\":\"release\",\"entityType\":\"source\","
                + "\"entityId\":\"orders\",\"actor\":\"alice\",\"reason\":\"drain slowly\",\"rate\":5,"
                + "\"requestedAt\":\"" + T0.plusSeconds(5) + "\"}"), T0.plusSeconds(5));
        assertThat(fixture.accepted.readRecordsToList()).as("the first goes at once").hasSize(1);

        quietFor(Duration.ofSeconds(10));

        List<TestRecord<String, byte[]>> released = fixture.accepted.readRecordsToList();
        assertThat(released).extracting(r -> Events.idOf(r.value())).as("the rest, in order")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(1, 30).mapToObj(i -> "held-" + i).toList());
        Map<Long, Long> perSecond = new TreeMap<>();
        released.forEach(r -> perSecond.merge(Math.floorDiv(r.timestamp() - T0.toEpochMilli(), 1000L), 1L, Long::sum));
        assertThat(perSecond.values()).as("at most 5 a second: " + perSecond).allMatch(count -> count <= 5);
        assertThat(released.getLast().timestamp() - T0.toEpochMilli()).as("29 more at 5 a second take about 6 s")
                .isBetween(10_000L, 12_000L);
        assertThat(fixture.held(EntityType.SOURCE, "orders")).isZero();
    }

    @Test
    void shouldReleaseWhatAResumeKeptOnAnOperatorsRelease() {
        withSource("careful", new RateLimit(1000, LimitAction.PAUSE), hold(null, null, OnResume.KEEP));
        fixture.command("pause", "source", "careful", null, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            fixture.send("kept-" + i, "careful", Duration.ofSeconds(1).plusMillis(i));
        }
        fixture.command("resume", "source", "careful", null, Duration.ofSeconds(2));
        assertThat(fixture.accepted.isEmpty()).isTrue();

        fixture.command("release", "source", "careful", null, Duration.ofSeconds(3));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value()))
                .containsExactly("kept-0", "kept-1", "kept-2");
        assertThat(fixture.held(EntityType.SOURCE, "careful")).isZero();
    }

    @Test
    void shouldDeadLetterEverythingOnAnOperatorsDiscard() {
        fixture.defineTrigger("t", "{\"id\":\"t\",\"source\":\"s\",\"type\":\"x\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.command("pause", "trigger", "t", null, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            fixture.sendRaw(Events.utf8("s"), Events.structured("m-" + i, "s", "x"), new RecordHeaders(),
                    Duration.ofSeconds(1).plusMillis(i));
        }
        assertThat(fixture.held(EntityType.TRIGGER, "t")).isEqualTo(5);

        fixture.command("discard", "trigger", "t", null, Duration.ofSeconds(2));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(5).allSatisfy(r -> {
            assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("discarded-by-operator");
            assertThat(header(r, SchedulerHeaders.ENTITY)).isEqualTo("trigger:t");
        });
        assertThat(fixture.starts.isEmpty()).isTrue();
        assertThat(fixture.held(EntityType.TRIGGER, "t")).isZero();
        assertThat(fixture.throttled.readValuesToList()).last().satisfies(notice -> {
            assertThat(notice.event()).isEqualTo(HoldNotice.Event.DRAINED);
            assertThat(notice.discarded()).isEqualTo(5);
        });
    }

    @Test
    void shouldDeadLetterHeldEventsOlderThanTheMaxAgeEvenWhenNothingArrives() {
        withSource("stuck", new RateLimit(1000, LimitAction.PAUSE), hold(Duration.ofSeconds(30), null, null));
        fixture.command("pause", "source", "stuck", null, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            fixture.send("held-" + i, "stuck", Duration.ofSeconds(1));
        }
        quietFor(Duration.ofSeconds(29));
        assertThat(fixture.dlq.isEmpty()).as("not before its max-age").isTrue();

        quietFor(Duration.ofSeconds(2));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(3).allSatisfy(r -> {
            assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("hold-expired");
            assertThat(header(r, SchedulerHeaders.ENTITY)).isEqualTo("source:stuck");
            assertThat(Long.parseLong(header(r, SchedulerHeaders.HELD_MS))).isBetween(30_000L, 31_000L);
        });
        assertThat(fixture.held(EntityType.SOURCE, "stuck")).isZero();
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "hold-expired")).isEqualTo(3);
    }

    @Test
    void shouldPushTheOldestOutOfAFullQueue() {
        withSource("flood", new RateLimit(1000, LimitAction.PAUSE), hold(null, 10, null));
        fixture.command("pause", "source", "flood", null, Duration.ZERO);
        for (int i = 0; i < 15; i++) {
            fixture.send("e-" + i, "flood", Duration.ofSeconds(1).plusMillis(i));
        }
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).extracting(r -> Events.idOf(r.value())).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
        assertThat(dead).allSatisfy(r -> assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("hold-overflow"));
        assertThat(fixture.heldRecords(EntityType.SOURCE, "flood")).hasSize(10)
                .extracting(r -> Events.idOf(r.value())).startsWith("e-5").endsWith("e-14");
        assertThat(fixture.allHeld(EntityType.SOURCE)).hasSize(10);
        // pages of 16: the one page keeps the 5 taken until its last record is taken, never more than a page
        assertThat(fixture.storedHeld(EntityType.SOURCE)).as("the store holds the queue and less than a page more")
                .hasSize(15).hasSizeLessThan(10 + HeldPage.FULL_RECORDS);
    }

    @Test
    void shouldDelayATriggersStartsOverItsLimitAndStartThemLaterInOrder() {
        fixture.defineTrigger("slow", "{\"id\":\"slow\",\"type\":\"t\",\"workflow\":\"w\","
                + "\"rate-limit\":{\"max-events\":5,\"action\":\"throttle\"}}", Duration.ZERO);
        for (int i = 0; i < 20; i++) {
            String source = "s" + (i % 3);
            fixture.sendRaw(Events.utf8(source), Events.structured("m-" + i, source, "t"), new RecordHeaders(),
                    Duration.ofMillis(100 + i));
        }
        assertThat(fixture.starts.readRecordsToList()).hasSize(5);
        assertThat(fixture.held(EntityType.TRIGGER, "slow")).isEqualTo(15);

        quietFor(Duration.ofSeconds(40));

        List<TestRecord<String, WorkflowStart>> later = fixture.starts.readRecordsToList();
        assertThat(later).extracting(r -> r.value().eventId())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(5, 20).mapToObj(i -> "m-" + i).toList());
        List<Long> times = new java.util.ArrayList<>(java.util.Collections.nCopies(5, T0.toEpochMilli()));
        later.forEach(r -> times.add(r.timestamp()));
        assertThat(busiestWindow(times)).isEqualTo(5);
        assertThat(fixture.held(EntityType.TRIGGER, "slow")).isZero();
    }

    @Test
    void shouldBoundATriggersHeldStartsByItsOwnHoldBlock() {
        fixture.defineTrigger("tiny", "{\"id\":\"tiny\",\"type\":\"t\",\"workflow\":\"w\","
                + "\"rate-limit\":{\"max-events\":1,\"action\":\"throttle\"},\"hold\":{\"max-records\":2}}", Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            fixture.sendRaw(Events.utf8("s"), Events.structured("m-" + i, "s", "t"), new RecordHeaders(),
                    Duration.ofMillis(100 + i));
        }
        assertThat(fixture.starts.readRecordsToList()).extracting(r -> r.value().eventId()).containsExactly("m-0");
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r -> {
            assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("hold-overflow");
            assertThat(header(r, SchedulerHeaders.ENTITY)).isEqualTo("trigger:tiny");
            assertThat(header(r, SchedulerHeaders.HELD_REASON)).isEqualTo("trigger-rate-limited");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"workflow\":\"w\"");
        });
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .satisfiesExactly(v -> assertThat(v).contains("\"eventId\":\"m-1\""),
                        v -> assertThat(v).contains("\"eventId\":\"m-2\""));
        assertThat(fixture.held(EntityType.TRIGGER, "tiny")).isEqualTo(2);
    }

    @Test
    void shouldWriteOneNoticeWhenHoldingBeginsAndOneWhenNothingIsHeldAnyMore() {
        withSource("batch", new RateLimit(10, LimitAction.THROTTLE), hold(null, null, null));
        fixture.sendSpread("batch", 25, Duration.ZERO, Duration.ofMillis(25));
        quietFor(Duration.ofSeconds(30));

        List<TestRecord<String, HoldNotice>> notices = fixture.throttled.readRecordsToList();
        assertThat(notices).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo("source:batch"));
        HoldNotice holding = notices.getFirst().value();
        assertThat(holding.event()).isEqualTo(HoldNotice.Event.HOLDING);
        assertThat(holding.reason()).isEqualTo("rate-limited");
        assertThat(holding.correlationId()).isEqualTo("batch-0-10");
        assertThat(holding.since()).isEqualTo(T0.plusMillis(10));
        HoldNotice drained = notices.getLast().value();
        assertThat(drained.event()).isEqualTo(HoldNotice.Event.DRAINED);
        assertThat(drained.held()).isEqualTo(15);
        assertThat(drained.released()).isEqualTo(15);
        assertThat(drained.expired() + drained.overflowed() + drained.discarded()).isZero();
        assertThat(drained.instance()).isEqualTo("test-instance");
    }
}
