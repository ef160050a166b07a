package org.eventscheduler.topology;

import org.eventscheduler.topology.pause.EntityType;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.source.SourceOverride;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Without the OpenTelemetry agent, every output record of an event keeps the event's W3C
 * {@code traceparent}: the workflow start, the throttled copy and the dead letter stay in the
 * upstream trace. (With the agent, TracingIT checks they point at the scheduler's decision spans.)
 */
class TraceContextTopologyTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final TopologyFixture fixture = new TopologyFixture(new RateLimit(1000, LimitAction.PAUSE),
            List.of(new SourceOverride(Optional.of("burst"), Optional.empty(),
                    Optional.of(new RateLimit(1, LimitAction.THROTTLE)), Optional.empty())));

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Headers traced() {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static String traceparent(TestRecord<?, ?> record) {
        var header = record.headers().lastHeader("traceparent");
        return header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyOutputOfAnEventCarriesItsTraceparent() {
        fixture.defineTrigger("fulfil", "{\"id\":\"fulfil\",\"source\":\"shop\",\"type\":\"order.created\",\"workflow\":\"w\"}",
                Duration.ZERO);
        fixture.sendRaw(Events.utf8("shop"), Events.structured("e-1", "shop", "order.created"), traced(), Duration.ofSeconds(1));
        fixture.sendRaw(Events.utf8("burst"), Events.structured("b-1", "burst"), traced(), Duration.ofSeconds(1));
        fixture.sendRaw(Events.utf8("burst"), Events.structured("b-2", "burst"), traced(), Duration.ofSeconds(1));
        fixture.sendRaw(Events.utf8("shop"), Events.utf8("{not json"), traced(), Duration.ofSeconds(1));

        var starts = fixture.starts.readRecordsToList();
        assertThat(starts).hasSize(1);
        assertThat(traceparent(starts.getFirst())).isEqualTo(TRACEPARENT);
        var accepted = fixture.accepted.readRecordsToList();
        assertThat(accepted).hasSize(2).allSatisfy(r -> assertThat(traceparent(r)).isEqualTo(TRACEPARENT));
        var held = fixture.heldRecords(EntityType.SOURCE, "burst");
        assertThat(held).hasSize(1);
        assertThat(new String(held.getFirst().headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo(TRACEPARENT);
        var dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(traceparent(dead.getFirst())).isEqualTo(TRACEPARENT);
    }
}
