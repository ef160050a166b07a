package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.RateLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTopologyTest {
    private final TopologyFixture fixture = new TopologyFixture(
            TopologyFixture.config(new RateLimit(1000, LimitAction.PAUSE), List.of(), 2048));

    @AfterEach
    void close() {
        fixture.close();
    }

    private TestRecord<byte[], byte[]> deadLetterOf(byte[] value, Headers headers) {
        return deadLetterOf(value, headers, "key-1");
    }

    /** The DLQ record's key is the key Kafka Streams failed on: the original, or the source for a re-keyed event. */
    private TestRecord<byte[], byte[]> deadLetterOf(byte[] value, Headers headers, String expectedKey) {
        fixture.sendRaw(Events.utf8("key-1"), value, headers, Duration.ZERO);
        assertThat(fixture.accepted.isEmpty()).isTrue();
        assertThat(fixture.throttled.isEmpty()).isTrue();
        List<TestRecord<byte[], byte[]>> dead = fixture.dlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        TestRecord<byte[], byte[]> record = dead.getFirst();
        assertThat(record.value()).isEqualTo(value);
        assertThat(record.key()).isEqualTo(Events.utf8(expectedKey));
        // Kafka Streams' coordinates name the topic it failed on (ingress, or by-source for a re-keyed event);
        // scheduler.origin always names the ingress record
        assertThat(header(record, "__streams.errors.topic")).isNotEmpty();
        assertThat(header(record, "__streams.errors.offset")).isNotEmpty();
        assertThat(header(record, SchedulerHeaders.ORIGIN)).startsWith("events.ingress-0@");
        assertThat(header(record, "__streams.errors.exception")).contains("InvalidEventException");
        return record;
    }

    static String header(TestRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterUndecodableBytesWithReasonCode() {
        byte[] garbage = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x00, 0x7B};
        var record = deadLetterOf(garbage, new RecordHeaders());
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("undecodable");
        assertThat(header(record, SchedulerHeaders.CORRELATION_ID)).isEqualTo("events.ingress-0@0");
        assertThat(header(record, SchedulerHeaders.ORIGIN)).isEqualTo("events.ingress-0@0");
    }

    @Test
    void shouldDeadLetterInvalidJson() {
        var record = deadLetterOf(Events.utf8("{\"specversion\":\"1.0\",\"id\":"), new RecordHeaders());
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("invalid-json");
    }

    @Test
    void shouldDeadLetterJsonThatIsNotAnObject() {
        var record = deadLetterOf(Events.utf8("[1,2,3]"), new RecordHeaders());
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("invalid-json");
    }

    @Test
    void shouldDeadLetterMissingAttributeWithSourceAndCorrelationId() {
        byte[] noType = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"billing\",\"correlationid\":\"corr-9\"}");
        var record = deadLetterOf(noType, new RecordHeaders(), "billing");
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("missing-attribute");
        assertThat(header(record, SchedulerHeaders.CORRELATION_ID)).isEqualTo("corr-9");
        assertThat(header(record, SchedulerHeaders.SOURCE)).isEqualTo("billing");
        assertThat(header(record, "__streams.errors.message")).contains("type is missing");
    }

    @Test
    void shouldDeadLetterEmptyRequiredAttribute() {
        byte[] emptySource = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"\",\"type\":\"t\"}");
        var record = deadLetterOf(emptySource, new RecordHeaders());
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("missing-attribute");
        assertThat(header(record, SchedulerHeaders.CORRELATION_ID)).isEqualTo("e-1");
    }

    @Test
    void shouldDeadLetterAttributeOfWrongType() {
        byte[] numericSource = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":42,\"type\":\"t\"}");
        var record = deadLetterOf(numericSource, new RecordHeaders());
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("invalid-attribute");
    }

    @Test
    void shouldDeadLetterOversizeValueWithHeaderCorrelationId() {
        byte[] big = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"s\",\"type\":\"t\",\"data\":\""
                + "x".repeat(3000) + "\"}");
        Headers headers = new RecordHeaders();
        headers.add(SchedulerHeaders.CORRELATION_ID, Events.utf8("corr-from-header"));
        var record = deadLetterOf(big, headers);
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("oversize");
        assertThat(header(record, SchedulerHeaders.CORRELATION_ID)).isEqualTo("corr-from-header");
    }

    @Test
    void shouldDeadLetterBinaryModeEventMissingItsSource() {
        Headers headers = new RecordHeaders();
        headers.add("ce_specversion", Events.utf8("1.0"));
        headers.add("ce_id", Events.utf8("b-1"));
        headers.add("ce_type", Events.utf8("t"));
        var record = deadLetterOf(Events.utf8("{}"), headers);
        assertThat(header(record, SchedulerHeaders.REASON)).isEqualTo("missing-attribute");
        assertThat(record.headers().lastHeader("ce_id")).as("original headers kept").isNotNull();
    }

    @Test
    void shouldCountEveryDeadLetterByReason() {
        fixture.sendRaw(Events.utf8("k"), Events.utf8("not json"), new RecordHeaders(), Duration.ZERO);
        fixture.sendRaw(Events.utf8("k"), Events.utf8("{}"), new RecordHeaders(), Duration.ZERO);
        fixture.sendRaw(Events.utf8("k"), Events.utf8("{\"x\":1"), new RecordHeaders(), Duration.ZERO);
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "invalid-json")).isEqualTo(2);
        assertThat(fixture.counter(SchedulerMetrics.DLQ_EVENTS, "reason", "missing-attribute")).isEqualTo(1);
        assertThat(fixture.counter(SchedulerMetrics.INGRESS_EVENTS, "outcome", "invalid")).isEqualTo(3);
    }

    @Test
    void shouldKeepProcessingAfterBadInput() {
        fixture.sendRaw(Events.utf8("k"), Events.utf8("garbage"), new RecordHeaders(), Duration.ZERO);
        fixture.send("good-1", "orders", Duration.ofMillis(1));
        assertThat(fixture.dlq.readRecordsToList()).hasSize(1);
        assertThat(fixture.accepted.readRecordsToList()).hasSize(1);
    }
}
