package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.topology.TopologyFixture.T0;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.source.SourceOverride;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceLimiterTopologyTest {
    private TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldPauseSourceWhenStormReachesTwiceItsLimit() {
        // 1,000 events per second against a limit of 1,000 per 10 s: 10x the limit.
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));

        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        PauseRecord pause = changes.getFirst();
        assertThat(pause.key()).isEqualTo("source:storm");
        assertThat(pause.entityType()).isEqualTo(EntityType.SOURCE);
        assertThat(pause.state()).isEqualTo(PauseState.PAUSED);
        assertThat(pause.reason()).isEqualTo(PauseReason.RATE_LIMIT_EXCEEDED);
        assertThat(pause.shadow()).isFalse();
        assertThat(pause.rate().orElseThrow().observed()).isEqualTo(2000);
        assertThat(pause.rate().orElseThrow().limit()).isEqualTo(1000);
        assertThat(pause.rate().orElseThrow().window()).isEqualTo(Duration.ofSeconds(10));
        // the 2,000th event (index 1999, at 1,999 ms) trips the pause
        assertThat(pause.correlationId()).isEqualTo("storm-0-1999");
        assertThat(pause.pausedAt()).contains(T0.plusMillis(1999));
        assertThat(pause.resumeAt()).contains(T0.plusMillis(1999).plusSeconds(60));
        assertThat(pause.pauseCount()).isEqualTo(1);
        assertThat(pause.instance()).isEqualTo("test-instance");

        assertThat(fixture.accepted.readRecordsToList()).hasSize(1000);
        List<HeldRecord> held = fixture.heldRecords(EntityType.SOURCE, "storm");
        assertThat(held).hasSize(2000);
        assertThat(held.subList(0, 999)).allSatisfy(r -> assertThat(r.reason()).isEqualTo("rate-limited"));
        assertThat(held.subList(999, 2000)).allSatisfy(r -> assertThat(r.reason()).isEqualTo("source-paused"));
        assertThat(fixture.throttled.readValuesToList()).singleElement().satisfies(notice -> {
            assertThat(notice.event()).isEqualTo(HoldNotice.Event.HOLDING);
            assertThat(notice.reason()).isEqualTo("rate-limited");
            assertThat(notice.entityId()).isEqualTo("storm");
        });
    }

    @Test
    void shouldPauseSourceThatStaysOverItsLimitForConsecutiveBuckets() {
        // 150 events per second: over 1,000 per 10 s from 6.67 s on, in buckets 6, 7 and 8; never twice the limit.
        fixture.sendSpread("steady-over", 1500, Duration.ZERO, Duration.ofSeconds(10));

        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().pausedAt()).contains(T0.plusSeconds(8));
        assertThat(changes.getFirst().correlationId()).isEqualTo("steady-over-0-1200");
        assertThat(changes.getFirst().rate().orElseThrow().observed()).isEqualTo(1201);
    }

    @Test
    void shouldForgetIdleSourcesASliceOfTheStoreAtATime() {
        for (int i = 0; i < 600; i++) {
            fixture.send("e-" + i, String.format("idle-%04d", i), Duration.ofMillis(i));
        }
        assertThat(sourceStates()).isEqualTo(600);
        // their window has passed in stream time; every bucket of the wall clock the cursor looks at 250
        fixture.send("tick-1", "heartbeat", Duration.ofSeconds(15));
        assertThat(sourceStates()).as("nothing looked at before the wall clock's bucket").isEqualTo(601);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
        // in key order: the first slice holds "heartbeat", which is not idle, and 249 idle ones
        assertThat(sourceStates()).as("one slice forgotten, not the whole store").isEqualTo(601 - 249);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(sourceStates()).isEqualTo(601 - 499);
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(sourceStates()).as("the heartbeat, which is not idle").isEqualTo(1);
    }

    private long sourceStates() {
        long count = 0;
        try (var all = fixture.driver.getKeyValueStore(StoreNames.SOURCE_STATES).all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldNeverPauseSourceAtNinetyPercentOfItsLimit() {
        for (int window = 0; window < 12; window++) {
            fixture.sendSpread("calm", 900, Duration.ofSeconds(10L * window), Duration.ofSeconds(10));
        }
        assertThat(fixture.pauseChanges()).isEmpty();
        assertThat(fixture.throttled.isEmpty()).isTrue();
        assertThat(fixture.accepted.readRecordsToList()).hasSize(12 * 900);
    }

    @Test
    void shouldNeverPauseASourceExactlyAtItsLimitAndDelayWhatTheWindowHoldsBackByABucketAtMost() {
        for (int window = 0; window < 12; window++) {
            fixture.sendSpread("at-limit", 1000, Duration.ofSeconds(10L * window), Duration.ofSeconds(10));
        }
        fixture.send("tick", "heartbeat", Duration.ofSeconds(121));
        assertThat(fixture.pauseChanges()).isEmpty();
        // the limit holds over any 10 s; the bucket before the window counts whole while its last event is in
        // those 10 s, so smooth traffic at the limit is delayed to the end of its bucket, never further
        List<TestRecord<String, byte[]>> accepted = fixture.accepted.readRecordsToList();
        assertThat(accepted).filteredOn(r -> r.key().equals("at-limit")).hasSize(12_000);
        assertThat(accepted).filteredOn(r -> header(r, "scheduler.held-ms") != null)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(Long.parseLong(header(r, "scheduler.held-ms"))).isLessThanOrEqualTo(1_000));
        assertThat(fixture.dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldNotFlapWhileSourceStaysJustOverItsLimit() {
        // 110% of the limit for five minutes: one pause, no resume while the rate stays above the resume threshold
        for (int window = 0; window < 30; window++) {
            fixture.sendSpread("hovering", 1100, Duration.ofSeconds(10L * window), Duration.ofSeconds(10));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).extracting(PauseRecord::state).containsExactly(PauseState.PAUSED);

        // it stops; another source keeps stream time moving: it resumes once the window drains below 80%
        for (int s = 300; s <= 310; s++) {
            fixture.send("tick-" + s, "heartbeat", Duration.ofSeconds(s));
        }
        List<PauseRecord> after = fixture.pauseChanges();
        assertThat(after).hasSize(1);
        assertThat(after.getFirst().state()).isEqualTo(PauseState.ACTIVE);
        assertThat(after.getFirst().rate().orElseThrow().observed()).isLessThanOrEqualTo(800);
        // at 302 s the window holds buckets 293..302: seven of 110 events = 770 <= 800
        assertThat(after.getFirst().rate().orElseThrow().observed()).isEqualTo(770);
        assertThat(after.getFirst().resumedAt()).contains(T0.plusSeconds(302));
    }

    @Test
    void shouldResumeAfterCooldownWhenSourceGoesQuiet() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        PauseRecord pause = fixture.pauseChanges().getFirst();

        for (int s = 4; s <= 70; s++) {
            fixture.send("tick-" + s, "heartbeat", Duration.ofSeconds(s));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        PauseRecord resume = changes.getFirst();
        assertThat(resume.key()).isEqualTo("source:storm");
        assertThat(resume.state()).isEqualTo(PauseState.ACTIVE);
        assertThat(resume.reason()).isEqualTo(PauseReason.COOLDOWN_ELAPSED);
        assertThat(resume.resumedBy()).contains("scheduler");
        // the first punctuation at or after resume-at (61.999 s) is the heartbeat at 62 s
        assertThat(resume.resumedAt()).contains(T0.plusSeconds(62));
        assertThat(resume.pausedAt()).isEqualTo(pause.pausedAt());
        assertThat(resume.correlationId()).isEqualTo(pause.correlationId());
    }

    @Test
    void shouldHoldEventsUntilCooldownThenReleaseThemAtTheLimitAheadOfNewOnes() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        fixture.pauseChanges();
        fixture.accepted.readRecordsToList();

        fixture.send("late-1", "storm", Duration.ofSeconds(30));
        assertThat(fixture.accepted.isEmpty()).isTrue();
        assertThat(fixture.held(EntityType.SOURCE, "storm")).isEqualTo(2001);

        fixture.send("late-2", "storm", Duration.ofSeconds(62));
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::state).containsExactly(PauseState.ACTIVE);
        // the resume releases the oldest held events, up to the limit of the window, at the time of the resume
        List<TestRecord<String, byte[]>> released = fixture.accepted.readRecordsToList();
        assertThat(released).hasSize(1000).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("storm");
            assertThat(r.timestamp()).isEqualTo(T0.plusSeconds(62).toEpochMilli());
        });
        assertThat(released.getFirst().value()).isEqualTo(Events.structured("storm-0-1000", "storm"));
        assertThat(header(released.getFirst(), SchedulerHeaders.HELD_MS)).isEqualTo(Long.toString(62_000 - 1_000));
        assertThat(fixture.held(EntityType.SOURCE, "storm")).as("1,000 older ones, late-1 and late-2").isEqualTo(1002);
    }

    @Test
    void shouldGrowCooldownOnRepeatedPausesUpToTheCap() {
        long start = 0;
        List<Long> cooldowns = new java.util.ArrayList<>();
        for (int round = 0; round < 6; round++) {
            fixture.sendSpread("repeat", 2000, Duration.ofMillis(start), Duration.ofSeconds(1));
            PauseRecord pause = fixture.pauseChanges().getFirst();
            long resumeAt = pause.resumeAt().orElseThrow().toEpochMilli() - T0.toEpochMilli();
            cooldowns.add(resumeAt - (pause.pausedAt().orElseThrow().toEpochMilli() - T0.toEpochMilli()));
            // quiet until after resume-at, then resume on the next event
            start = resumeAt + 20_000;
            fixture.send("probe-" + round, "repeat", Duration.ofMillis(start));
            assertThat(fixture.pauseChanges()).extracting(PauseRecord::state).containsExactly(PauseState.ACTIVE);
            start += 1;
        }
        assertThat(cooldowns).containsExactly(60_000L, 120_000L, 240_000L, 480_000L, 900_000L, 900_000L);
    }

    @Test
    void shouldThrottleWithoutPausingWhenActionIsThrottle() {
        fixture.close();
        fixture = new TopologyFixture(new RateLimit(1000, LimitAction.PAUSE),
                List.of(new SourceOverride(Optional.of("batch-importer"), Optional.empty(), Optional.of(new RateLimit(100, LimitAction.THROTTLE)), Optional.empty())));
        fixture.sendSpread("batch-importer", 3000, Duration.ZERO, Duration.ofSeconds(3));

        assertThat(fixture.pauseChanges()).isEmpty();
        assertThat(fixture.accepted.readRecordsToList()).hasSize(100);
        assertThat(fixture.heldRecords(EntityType.SOURCE, "batch-importer")).hasSize(2900)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo("rate-limited"));
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "throttled")).isEqualTo(2900);
    }

    @Test
    void shouldRecordShadowPauseWithoutDivertingAnything() {
        fixture.close();
        fixture = new TopologyFixture(new RateLimit(1000, LimitAction.PAUSE),
                List.of(new SourceOverride(Optional.empty(), Optional.of("canary/"), Optional.of(new RateLimit(100, LimitAction.SHADOW)), Optional.empty())));
        fixture.sendSpread("canary/orders", 300, Duration.ZERO, Duration.ofSeconds(1));
        for (int s = 2; s <= 70; s++) {
            fixture.send("tick-" + s, "heartbeat", Duration.ofSeconds(s));
        }

        assertThat(fixture.throttled.isEmpty()).isTrue();
        assertThat(fixture.accepted.readRecordsToList()).hasSize(300 + 69);
        List<PauseRecord> changes = fixture.pauseChanges();
        // shadow decisions are recorded beside the real state, which stays ACTIVE
        assertThat(changes).extracting(PauseRecord::shadowCauses)
                .containsExactly(List.of(PauseCause.RATE), List.of());
        assertThat(changes).extracting(PauseRecord::reason)
                .containsExactly(PauseReason.RATE_LIMIT_EXCEEDED, PauseReason.COOLDOWN_ELAPSED);
        assertThat(changes).allSatisfy(change -> {
            assertThat(change.shadow()).isTrue();
            assertThat(change.state()).isEqualTo(PauseState.ACTIVE);
            assertThat(change.causes()).isEmpty();
            assertThat(change.key()).isEqualTo("source:canary/orders");
        });
        assertThat(changes.getFirst().rate().orElseThrow().observed()).isEqualTo(200);
        assertThat(fixture.counter(SchedulerMetrics.THROTTLE_ACTIONS, "action", "shadow_pause")).isEqualTo(1);
    }

    @Test
    void shouldCountEventsOfOneSourceTogetherWhateverTheirKey() {
        // half the events keyed by source, half by order id: the repartition puts them in one count
        for (int i = 0; i < 2400; i++) {
            byte[] key = Events.utf8(i % 2 == 0 ? "mixed" : "order-" + i);
            fixture.sendRaw(key, Events.structured("m-" + i, "mixed"), new RecordHeaders(), Duration.ofMillis(i));
        }
        assertThat(fixture.accepted.readRecordsToList()).hasSize(1000).allSatisfy(r -> assertThat(r.key()).isEqualTo("mixed"));
        assertThat(fixture.pauseChanges()).hasSize(1);
        assertThat(fixture.held(EntityType.SOURCE, "mixed")).isEqualTo(1400);
    }

    @Test
    void shouldForwardOriginalValueAndHeadersWithCorrelationId() {
        var headers = new RecordHeaders();
        headers.add("traceparent", Events.utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        headers.add(SchedulerHeaders.CORRELATION_ID, Events.utf8("corr-42"));
        byte[] value = Events.structured("e-1", "orders");
        fixture.sendRaw(Events.utf8("orders"), value, headers, Duration.ZERO);

        TestRecord<String, byte[]> accepted = fixture.accepted.readRecord();
        assertThat(accepted.value()).isEqualTo(value);
        assertThat(accepted.key()).isEqualTo("orders");
        assertThat(header(accepted, "traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(header(accepted, SchedulerHeaders.CORRELATION_ID)).isEqualTo("corr-42");
        assertThat(header(accepted, SchedulerHeaders.SOURCE)).isEqualTo("orders");
        assertThat(accepted.timestamp()).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void shouldCountEveryDecision() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "accepted")).isEqualTo(1000);
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "throttled")).isEqualTo(999);
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "paused_source")).isEqualTo(1001);
        assertThat(fixture.counter(SchedulerMetrics.THROTTLED_EVENTS, "entity_type", "source", "reason", "source-paused")).isEqualTo(1001);
        assertThat(fixture.counter(SchedulerMetrics.THROTTLE_ACTIONS, "entity_type", "source", "action", "pause",
                "reason", "rate-limit-exceeded")).isEqualTo(1);
    }
}
