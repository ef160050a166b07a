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
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlTopologyTest {
    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldPauseAndResumeASourceOnCommand() {
        fixture.command("pause", "source", "orders", null, Duration.ofSeconds(1));
        PauseRecord pause = fixture.pauseChanges().getFirst();
        assertThat(pause.key()).isEqualTo("source:orders");
        assertThat(pause.state()).isEqualTo(PauseState.PAUSED);
        assertThat(pause.reason()).isEqualTo(PauseReason.OPERATOR_PAUSE);
        assertThat(pause.causes()).containsExactly(PauseCause.OPERATOR);
        assertThat(pause.operator().orElseThrow().actor()).isEqualTo("alice");
        assertThat(pause.operator().orElseThrow().reason()).isEqualTo("investigating");
        assertThat(pause.operator().orElseThrow().until()).isEmpty();
        assertThat(pause.pausedAt()).contains(T0.plusSeconds(1));

        fixture.send("e-1", "orders", Duration.ofHours(5));
        assertThat(fixture.heldRecords(EntityType.SOURCE, "orders")).extracting(HeldRecord::reason)
                .as("a manual pause is never lifted by itself").containsExactly("source-paused");

        fixture.command("resume", "source", "orders", null, Duration.ofHours(6));
        PauseRecord resume = fixture.pauseChanges().getFirst();
        assertThat(resume.state()).isEqualTo(PauseState.ACTIVE);
        assertThat(resume.reason()).isEqualTo(PauseReason.OPERATOR_RESUME);
        assertThat(resume.resumedBy()).contains("alice");
        assertThat(resume.resumedAt()).contains(T0.plus(Duration.ofHours(6)));

        // e-1 waited the whole hold.max-age (1 h) by the time of the resume: it expired to the DLQ
        assertThat(fixture.dlq.readRecordsToList()).singleElement().satisfies(dead -> {
            assertThat(header(dead, SchedulerHeaders.REASON)).isEqualTo("hold-expired");
            assertThat(header(dead, SchedulerHeaders.ENTITY)).isEqualTo("source:orders");
            assertThat(header(dead, SchedulerHeaders.HELD_REASON)).isEqualTo("source-paused");
            assertThat(header(dead, SchedulerHeaders.HELD_MS)).isEqualTo("3600000");
            assertThat(dead.value()).isEqualTo(Events.structured("e-1", "orders"));
        });
        assertThat(fixture.held(EntityType.SOURCE, "orders")).isZero();

        fixture.send("e-2", "orders", Duration.ofHours(7));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> r.key()).containsExactly("orders");
    }

    @Test
    void shouldEndATriggerPauseAtItsUntil() {
        fixture.defineTrigger("t", "{\"id\":\"t\",\"source\":\"s\",\"type\":\"x\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.defineTrigger("other", "{\"id\":\"other\",\"source\":\"s2\",\"type\":\"x\",\"workflow\":\"w\"}", Duration.ZERO);
        fixture.command("pause", "trigger", "t", T0.plusSeconds(60).toString(), Duration.ZERO);
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::reason).containsExactly(PauseReason.OPERATOR_PAUSE);

        fixture.sendRaw(Events.utf8("s"), Events.structured("e-1", "s", "x"), new RecordHeaders(), Duration.ofSeconds(10));
        assertThat(fixture.starts.isEmpty()).isTrue();
        assertThat(fixture.heldRecords(EntityType.TRIGGER, "t")).extracting(HeldRecord::reason)
                .containsExactly("trigger-paused");

        // another trigger's traffic moves the stage's stream time past the until
        for (int s = 55; s <= 62; s++) {
            fixture.sendRaw(Events.utf8("s2"), Events.structured("o-" + s, "s2", "x"), new RecordHeaders(), Duration.ofSeconds(s));
        }
        List<PauseRecord> changes = fixture.pauseChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().key()).isEqualTo("trigger:t");
        assertThat(changes.getFirst().reason()).isEqualTo(PauseReason.OPERATOR_UNTIL_ELAPSED);
        assertThat(changes.getFirst().state()).isEqualTo(PauseState.ACTIVE);
        assertThat(changes.getFirst().resumedAt()).contains(T0.plusSeconds(60));
        // the start held while paused goes out at the resume, ahead of nothing: t had no other match
        assertThat(fixture.starts.readRecordsToList()).filteredOn(r -> r.key().equals("t")).singleElement()
                .satisfies(start -> {
                    assertThat(start.value().eventId()).isEqualTo("e-1");
                    assertThat(start.timestamp()).isEqualTo(T0.plusSeconds(60).toEpochMilli());
                });
        assertThat(fixture.held(EntityType.TRIGGER, "t")).isZero();
    }

    @Test
    void shouldKeepAManualPauseWhenARatePauseEnds() {
        fixture.command("pause", "source", "storm", null, Duration.ZERO);
        fixture.pauseChanges();
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        List<PauseRecord> storm = fixture.pauseChanges();
        assertThat(storm).hasSize(1);
        assertThat(storm.getFirst().causes()).containsExactly(PauseCause.RATE, PauseCause.OPERATOR);

        for (int s = 4; s <= 70; s++) {
            fixture.send("tick-" + s, "heartbeat", Duration.ofSeconds(s));
        }
        List<PauseRecord> after = fixture.pauseChanges();
        assertThat(after).hasSize(1);
        assertThat(after.getFirst().reason()).isEqualTo(PauseReason.COOLDOWN_ELAPSED);
        assertThat(after.getFirst().state()).as("the operator's pause still holds").isEqualTo(PauseState.PAUSED);
        assertThat(after.getFirst().causes()).containsExactly(PauseCause.OPERATOR);
    }

    @Test
    void shouldClearEveryCauseOnAnOperatorResume() {
        fixture.sendSpread("storm", 3000, Duration.ZERO, Duration.ofSeconds(3));
        assertThat(fixture.pauseChanges()).extracting(PauseRecord::causes).containsExactly(List.of(PauseCause.RATE));
        fixture.command("resume", "source", "storm", null, Duration.ofSeconds(20));
        PauseRecord resume = fixture.pauseChanges().getFirst();
        assertThat(resume.state()).isEqualTo(PauseState.ACTIVE);
        assertThat(resume.causes()).isEmpty();
        fixture.send("calm-again", "storm", Duration.ofSeconds(25));
        assertThat(fixture.accepted.readRecordsToList()).extracting(r -> r.key()).endsWith("storm");
    }

    @Test
    void shouldDeadLetterAnInvalidCommand() {
        fixture.control.pipeInput("source:x", Events.utf8("{\"action\":\"explode\",\"entityType\":\"source\",\"entityId\":\"x\",\"actor\":\"a\",\"requestedAt\":\"2026-11-28T10:00:00Z\"}"));
        fixture.control.pipeInput("source:x", Events.utf8("{\"action\":\"pause\",\"entityType\":\"source\",\"entityId\":\"x\",\"requestedAt\":\"2026-11-28T10:00:00Z\"}"));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r ->
                assertThat(header(r, SchedulerHeaders.REASON)).isEqualTo("invalid-control"));
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("actor is required");
        assertThat(fixture.pauseChanges()).isEmpty();
    }
}
