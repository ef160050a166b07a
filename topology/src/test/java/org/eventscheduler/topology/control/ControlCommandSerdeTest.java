package org.eventscheduler.topology.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.eventscheduler.topology.pause.EntityType;
import org.junit.jupiter.api.Test;

class ControlCommandSerdeTest {
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private final ControlCommandSerde serde = new ControlCommandSerde();

    @Test
    void shouldWriteAPauseWithItsEndAsIsoTimes() {
        ControlCommand pause = new ControlCommand(ControlCommand.Action.PAUSE, EntityType.SOURCE, "orders", "alice",
                "maintenance", Optional.of(AT.plusSeconds(60)), AT);

        String json = new String(serde.serializer().serialize("scheduler.control", pause), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"action\":\"pause\",\"entityType\":\"source\",\"entityId\":\"orders\","
                + "\"actor\":\"alice\",\"reason\":\"maintenance\",\"until\":\"2026-01-02T03:05:05Z\","
                + "\"requestedAt\":\"2026-01-02T03:04:05Z\"}");
        assertThat(serde.deserializer().deserialize("scheduler.control", json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(pause);
    }

    @Test
    void shouldLeaveOutAnAbsentEnd() {
        ControlCommand resume = new ControlCommand(ControlCommand.Action.RESUME, EntityType.TRIGGER, "audit-all", "bob",
                "", Optional.empty(), AT);

        byte[] json = serde.serializer().serialize("scheduler.control", resume);

        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("until");
        assertThat(serde.deserializer().deserialize("scheduler.control", json)).isEqualTo(resume);
    }

    @Test
    void shouldCarryTheRateOfAPacedRelease() {
        ControlCommand release = new ControlCommand(ControlCommand.Action.RELEASE, EntityType.SOURCE, "orders", "alice",
                "drain slowly", Optional.empty(), AT, Optional.of(50));

        byte[] json = serde.serializer().serialize("scheduler.control", release);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"rate\":50");
        assertThat(serde.deserializer().deserialize("scheduler.control", json)).isEqualTo(release);
    }

    @Test
    void shouldRejectARateOnAnythingButARelease() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ControlCommand(ControlCommand.Action.RESUME,
                        EntityType.SOURCE, "orders", "alice", "", Optional.empty(), AT, Optional.of(5)))
                .hasMessage("rate applies to release only");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ControlCommand(ControlCommand.Action.RELEASE,
                        EntityType.SOURCE, "orders", "alice", "", Optional.empty(), AT, Optional.of(0)))
                .hasMessageContaining("rate must be between 1 and");
    }
}
