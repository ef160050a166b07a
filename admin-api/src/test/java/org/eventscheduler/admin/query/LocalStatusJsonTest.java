package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.PauseReason;
import org.junit.jupiter.api.Test;

/** States and reason codes are enums in the code and the same strings on the wire as before. */
class LocalStatusJsonTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    private static LocalStatus status() {
        PausedEntity paused = new PausedEntity("source", "orders", List.of(PauseCause.OPERATOR), PauseReason.OPERATOR_PAUSE,
                Optional.of(AT), Optional.empty(), "alice");
        MirrorReport mirror = new MirrorReport(MirrorReport.State.BACKING_OFF, 3, "open", Optional.of("db down"),
                Optional.empty());
        return new LocalStatus("i-1", "host:8080", KafkaStreams.State.REBALANCING, Map.of(0, 1L), List.of(paused), 1, 1, 0,
                Optional.empty(), Map.of(), Map.of(), Map.of(), Map.of(), mirror, AT,
                List.of(new HeldEntity("trigger", "restock", "ACTIVE", 450, 0, Optional.of(AT.minusSeconds(90)),
                        Optional.of(AT.plusSeconds(1)))), 1, 450, Optional.of(AT.minusSeconds(90)));
    }

    @Test
    void shouldReadAPeerOfAnOlderVersionAsHoldingNothing() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                WireJson.MAPPER.readTree(WireJson.MAPPER.writeValueAsBytes(status()));
        json.remove(List.of("held", "heldEntities", "heldRecords", "heldOldestAt"));

        LocalStatus read = WireJson.MAPPER.treeToValue(json, LocalStatus.class);

        assertThat(read.held()).isEmpty();
        assertThat(read.heldRecords()).isZero();
        assertThat(read.heldOldestAt()).isEmpty();
    }

    @Test
    void shouldWriteStatesAndReasonsAsTheirFormerStrings() throws Exception {
        JsonNode json = WireJson.MAPPER.readTree(WireJson.MAPPER.writeValueAsBytes(status()));

        assertThat(json.path("streamsState").asText()).isEqualTo("REBALANCING");
        assertThat(json.path("paused").path(0).path("reason").asText()).isEqualTo("operator-pause");
        assertThat(json.path("mirror").path("state").asText()).isEqualTo("backing_off");
    }

    @Test
    void shouldReadWhatAPeerSends() throws Exception {
        LocalStatus read = WireJson.MAPPER.readValue(WireJson.MAPPER.writeValueAsBytes(status()), LocalStatus.class);

        assertThat(read).isEqualTo(status());
    }

    @Test
    void shouldNameEveryPauseReasonByItsCode() {
        assertThat(List.of(PauseReason.OPERATOR_PAUSE, PauseReason.ERROR_RATE, PauseReason.RATE_LIMIT_EXCEEDED))
                .extracting(PauseReason::code).containsExactly("operator-pause", "error-rate", "rate-limit-exceeded");
        assertThat(List.of(MirrorReport.State.values())).extracting(MirrorReport.State::code)
                .containsExactly("starting", "running", "backing_off", "stopped", "off");
    }
}
