package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nothing is lost and nothing is doubled: every input record comes out exactly once, on exactly one topic. */
class ConservationTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TopologyFixture fixture = TopologyFixture.withDefaults();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static String eventId(byte[] value) {
        try {
            return JSON.readTree(value).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldAccountForEveryInputRecordExactlyOnce() {
        Random random = new Random(42);
        Set<String> validIds = new HashSet<>();
        Set<Long> invalidOffsets = new HashSet<>();
        long offset = 0;
        for (int i = 0; i < 20_000; i++, offset++) {
            Duration at = Duration.ofMillis(i * 3L);
            int kind = random.nextInt(100);
            if (kind < 2) {
                fixture.sendRaw(Events.utf8("k"), Events.utf8("{broken " + i), new RecordHeaders(), at);
                invalidOffsets.add(offset);
            } else {
                String source = kind < 60 ? "storm" : "calm-" + (kind % 5);
                String id = "evt-" + i;
                byte[] key = Events.utf8(kind % 3 == 0 ? "other-key-" + i : source);
                fixture.sendRaw(key, Events.structured(id, source), new RecordHeaders(), at);
                validIds.add(id);
            }
        }

        // a quiet source keeps stream time moving for two minutes more: the storm resumes and its held events come back
        for (int s = 61; s <= 180; s++, offset++) {
            String id = "tick-" + s;
            fixture.sendRaw(Events.utf8("heartbeat"), Events.structured(id, "heartbeat"), new RecordHeaders(),
                    Duration.ofSeconds(s));
            validIds.add(id);
        }

        // every valid event is accepted (directly or released after being held) or still held
        List<String> seen = new ArrayList<>();
        fixture.accepted.readRecordsToList().forEach(r -> seen.add(eventId(r.value())));
        int acceptedCount = seen.size();
        fixture.allHeld(EntityType.SOURCE).forEach(r -> seen.add(eventId(r.value())));
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(fixture.counter(SchedulerMetrics.RELEASED, "entity_type", "source")).as("some released").isPositive();

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(validIds);
        assertThat(dead).extracting(r -> Long.parseLong(new String(
                r.headers().lastHeader("__streams.errors.offset").value(), StandardCharsets.UTF_8)))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(invalidOffsets);
        assertThat(seen.size() + dead.size()).isEqualTo(20_000 + 120);
        assertThat(fixture.pauseChanges()).isNotEmpty();

        double counted = fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "accepted")
                + fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "throttled")
                + fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "paused_source")
                + fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "invalid");
        assertThat(counted).isEqualTo(20_000 + 120);
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "accepted")
                + fixture.counter(SchedulerMetrics.RELEASED, "entity_type", "source", "cause", "rate-limited")
                + fixture.counter(SchedulerMetrics.RELEASED, "entity_type", "source", "cause", "source-paused"))
                .isEqualTo(acceptedCount);
    }
}
