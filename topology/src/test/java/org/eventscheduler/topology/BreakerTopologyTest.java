package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eventscheduler.topology.TopologyFixture.T0;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every breaker transition, for a trigger (failed start results) and for a source (invalid events, and
 * events a trigger cannot use: the source's fault, never the trigger's). Breaker defaults of the fixture: count-based window of 20 calls, at least
 * 10 calls, 50 % failures, 30 s open, 3 probes.
 */
class BreakerTopologyTest {
    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    @BeforeEach
    void defineTrigger() {
        fixture.defineTrigger("flaky", "{\"id\":\"flaky\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"billing\"}",
                Duration.ZERO);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void order(String id, Duration at) {
        fixture.sendRaw(Events.utf8("shop"), Events.structured(id, "shop", "order.created"), new RecordHeaders(), at);
    }

    /** Ten starts, ten failed results: the breaker opens at the tenth. */
    private PauseRecord openTheBreaker() {
        for (int i = 0; i < 10; i++) {
            order("o-" + i, Duration.ofMillis(i));
        }
        assertThat(fixture.starts.readRecordsToList()).hasSize(10);
        for (int i = 0; i < 10; i++) {
            fixture.result("flaky", "o-" + i, "FAILED", Duration.ofSeconds(1).plusMillis(i));
            if (i < 9) {
                assertThat(fixture.paused.isEmpty()).as("not before the minimum number of calls").isTrue();
            }
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        return changes.getFirst();
    }

    @Test
    void shouldPauseTriggerWhenItsBreakerOpens() {
        PauseRecord open = openTheBreaker();
        assertThat(open.key()).isEqualTo("trigger:flaky");
        assertThat(open.state()).isEqualTo(PauseState.PAUSED);
        assertThat(open.causes()).containsExactly(PauseCause.BREAKER);
        assertThat(open.reason()).isEqualTo(PauseReason.ERROR_RATE);
        PauseRecord.BreakerFigures figures = open.breaker().orElseThrow();
        assertThat(figures.state()).isEqualTo("OPEN");
        assertThat(figures.failureRate()).isEqualTo(100f);
        assertThat(figures.failureRateThreshold()).isEqualTo(50f);
        assertThat(figures.window()).isEqualTo("20 calls");
        assertThat(figures.calls()).isEqualTo(10);
        assertThat(open.pausedAt()).contains(T0.plusSeconds(1).plusMillis(9));
        assertThat(fixture.counter(SchedulerMetrics.BREAKER_TRANSITIONS, "entity_type", "trigger", "to_state", "open")).isEqualTo(1);

        // while open: matches are held, nothing is lost
        order("o-held", Duration.ofSeconds(5));
        assertThat(fixture.starts.isEmpty()).isTrue();
        List<HeldRecord> held = fixture.heldRecords(EntityType.TRIGGER, "flaky");
        assertThat(held).hasSize(1);
        assertThat(held.getFirst().reason()).isEqualTo("trigger-paused");
        assertThat(held.getFirst().key()).isEqualTo("flaky".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldLetProbesThroughWhenHalfOpenAndResumeWhenTheyPass() {
        openTheBreaker();
        // opened at 1.009 s, open for 30 s: the first match after 31.009 s is a probe
        order("early", Duration.ofSeconds(31));
        assertThat(fixture.starts.isEmpty()).as("still open at 31 s").isTrue();
        for (int i = 0; i < 4; i++) {
            order("probe-" + i, Duration.ofSeconds(32).plusMillis(i));
        }
        // the probes come from held work first: the match held while open, then in the order they arrived
        assertThat(fixture.starts.readRecordsToList()).extracting(r -> r.value().eventId())
                .containsExactly("early", "probe-0", "probe-1");
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "flaky")).extracting(HeldRecord::reason)
                .containsExactly("trigger-paused", "trigger-paused");
        assertThat(fixture.pauseChanges()).as("half-open is not a pause change").isEmpty();

        for (int i = 0; i < 3; i++) {
            fixture.result("flaky", "probe-" + i, "STARTED", Duration.ofSeconds(33).plusMillis(i));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        PauseRecord closed = changes.getFirst();
        assertThat(closed.state()).isEqualTo(PauseState.ACTIVE);
        assertThat(closed.reason()).isEqualTo(PauseReason.BREAKER_CLOSED);
        assertThat(closed.breaker().orElseThrow().state()).isEqualTo("CLOSED");
        assertThat(closed.breaker().orElseThrow().calls()).as("the probes that closed it").isEqualTo(3);
        assertThat(closed.breaker().orElseThrow().failureRate()).isZero();
        assertThat(closed.resumedAt()).contains(T0.plusSeconds(33).plusMillis(2));
        assertThat(closed.resumedBy()).contains("scheduler");
        assertThat(fixture.starts.readRecordsToList()).as("released at the resume").extracting(r -> r.value().eventId())
                .containsExactly("probe-2", "probe-3");

        order("after", Duration.ofSeconds(34));
        assertThat(fixture.starts.readRecordsToList()).extracting(r -> r.value().eventId()).containsExactly("after");
    }

    @Test
    void shouldOpenAgainWhenAProbeFails() {
        openTheBreaker();
        for (int i = 0; i < 3; i++) {
            order("probe-" + i, Duration.ofSeconds(32).plusMillis(i));
        }
        assertThat(fixture.starts.readRecordsToList()).hasSize(3);
        fixture.result("flaky", "probe-0", "STARTED", Duration.ofSeconds(33));
        fixture.result("flaky", "probe-1", "FAILED", Duration.ofSeconds(33).plusMillis(1));
        fixture.result("flaky", "probe-2", "FAILED", Duration.ofSeconds(33).plusMillis(2));
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().state()).isEqualTo(PauseState.PAUSED);
        assertThat(changes.getFirst().reason()).isEqualTo(PauseReason.ERROR_RATE);
        assertThat(changes.getFirst().breaker().orElseThrow().calls()).isEqualTo(3);
        // open again for 30 s from 33.002 s
        order("too-early", Duration.ofSeconds(62));
        assertThat(fixture.starts.isEmpty()).isTrue();
        order("probe-again", Duration.ofSeconds(64));
        assertThat(fixture.starts.readRecordsToList()).extracting(r -> r.value().eventId())
                .containsExactly("too-early", "probe-again");
    }

    @Test
    void shouldCountEventsATriggerCannotUseAgainstTheirSourceNeverAgainstTheTrigger() {
        fixture.defineTrigger("picky", "{\"id\":\"picky\",\"type\":\"order.created\",\"workflow\":\"w\","
                + "\"input\":{\"fields\":{\"sku\":\"/data/sku\"}}}", Duration.ZERO);
        for (int i = 0; i < 30; i++) {
            fixture.sendRaw(Events.utf8("careless"), Events.structured("c-" + i, "careless", "order.created", "{}"),
                    new RecordHeaders(), Duration.ofMillis(i * 10L));
            fixture.sendRaw(Events.utf8("store"), Events.structured("s-" + i, "store", "order.created", "{\"sku\":\"x\"}"),
                    new RecordHeaders(), Duration.ofMillis(i * 10L + 5));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).extracting(PauseRecord::key).as("only the source that sent them").containsExactly("source:careless");
        assertThat(changes.getFirst().reason()).isEqualTo(PauseReason.ERROR_RATE);
        assertThat(changes.getFirst().breaker().orElseThrow().failureRate()).isEqualTo(100f);
        assertThat(changes.getFirst().breaker().orElseThrow().calls()).isEqualTo(10);
        assertThat(fixture.starts.readRecordsToList()).as("the shared trigger goes on for the other source").hasSize(30)
                .allSatisfy(r -> assertThat(r.value().source()).isEqualTo("store"));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).as("each unusable event until its source is paused").hasSize(10).allSatisfy(r -> {
            assertThat(header(r, "scheduler.reason")).isEqualTo("trigger-input-unavailable");
            assertThat(header(r, "scheduler.source")).isEqualTo("careless");
            assertThat(header(r, "scheduler.trigger")).isEqualTo("picky");
        });
        assertThat(fixture.heldRecords(EntityType.SOURCE, "careless")).as("the rest held with the paused source")
                .hasSize(20).allSatisfy(r -> assertThat(r.reason()).isEqualTo("source-paused"));
    }

    @Test
    void shouldRecordAShadowBreakerWithoutHoldingAnything() {
        fixture.defineTrigger("flaky", "{\"id\":\"flaky\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"billing\","
                + "\"breaker\":{\"shadow\":true}}", Duration.ZERO);
        PauseRecord open = openTheBreaker();
        assertThat(open.shadow()).isTrue();
        assertThat(open.state()).isEqualTo(PauseState.ACTIVE);
        assertThat(open.shadowCauses()).containsExactly(PauseCause.BREAKER);
        order("goes-through", Duration.ofSeconds(5));
        assertThat(fixture.starts.readRecordsToList()).hasSize(1);
        assertThat(fixture.throttled.isEmpty()).isTrue();
    }

    @Test
    void shouldPauseASourceWhoseEventsKeepFailingValidation() {
        for (int i = 0; i < 10; i++) {
            fixture.sendRaw(Events.utf8("legacy"), Events.utf8("{\"specversion\":\"1.0\",\"id\":\"bad-" + i
                    + "\",\"source\":\"legacy\"}"), new RecordHeaders(), Duration.ofMillis(i));
        }
        assertThat(fixture.dlq.readRecordsToList()).hasSize(10).allSatisfy(r ->
                assertThat(header(r, SchedulerHeaders.SOURCE)).isEqualTo("legacy"));
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().key()).isEqualTo("source:legacy");
        assertThat(changes.getFirst().reason()).isEqualTo(PauseReason.ERROR_RATE);
        assertThat(changes.getFirst().correlationId()).isEqualTo("bad-9");

        fixture.sendRaw(Events.utf8("legacy"), Events.structured("good-1", "legacy"), new RecordHeaders(), Duration.ofSeconds(1));
        assertThat(fixture.heldRecords(EntityType.SOURCE, "legacy")).extracting(HeldRecord::reason)
                .containsExactly("source-paused");

        // default source breaker: open 30 s (fixture), 3 probes; valid probes close it, the held event first
        for (int i = 0; i < 3; i++) {
            fixture.sendRaw(Events.utf8("legacy"), Events.structured("probe-" + i, "legacy"), new RecordHeaders(),
                    Duration.ofSeconds(40).plusMillis(i));
        }
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> Events.idOf(r.value()))
                .containsExactly("good-1", "probe-0", "probe-1", "probe-2");
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::reason).containsExactly(PauseReason.BREAKER_CLOSED);
    }
}
