package org.eventscheduler.topology.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eventscheduler.topology.Events;
import org.eventscheduler.topology.reject.InvalidReason;
import org.junit.jupiter.api.Test;

class CloudEventDeserializerTest {
    private final CloudEventDeserializer deserializer = new CloudEventDeserializer(1024);

    private static Headers binaryHeaders(String id, String source, String type) {
        Headers headers = new RecordHeaders();
        headers.add("ce_specversion", Events.utf8("1.0"));
        if (id != null) {
            headers.add("ce_id", Events.utf8(id));
        }
        if (source != null) {
            headers.add("ce_source", Events.utf8(source));
        }
        if (type != null) {
            headers.add("ce_type", Events.utf8(type));
        }
        return headers;
    }

    private InvalidReason reasonFor(Headers headers, byte[] value) {
        try {
            SourceInput input = deserializer.deserialize("events.ingress", headers, value);
            if (input instanceof RejectedEvent rejected) {
                return rejected.error().reason();
            }
        } catch (InvalidEventException e) {
            return e.reason();
        }
        throw new AssertionError("expected the event to be rejected");
    }

    private IngressEvent read(Headers headers, byte[] value) {
        return (IngressEvent) deserializer.deserialize("t", headers, value);
    }

    @Test
    void shouldReadStructuredEvent() {
        byte[] value = Events.structured("e-1", "orders", "order.created");
        IngressEvent event = read(new RecordHeaders(), value);
        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.source()).isEqualTo("orders");
        assertThat(event.type()).isEqualTo("order.created");
        assertThat(event.mode()).isEqualTo(IngressEvent.Mode.STRUCTURED);
        assertThat(event.correlationId()).isEqualTo("e-1");
        assertThat(event.value()).isSameAs(value);
    }

    @Test
    void shouldReadBinaryEventWithDataInValue() {
        Headers headers = binaryHeaders("b-1", "payments", "payment.settled");
        headers.add("content-type", Events.utf8("application/json; charset=utf-8"));
        IngressEvent event = read(headers, Events.utf8("{\"amount\":3}"));
        assertThat(event.mode()).isEqualTo(IngressEvent.Mode.BINARY);
        assertThat(event.source()).isEqualTo("payments");
        assertThat(event.type()).isEqualTo("payment.settled");
    }

    @Test
    void shouldReadBinaryEventWithoutData() {
        IngressEvent event = read(binaryHeaders("b-2", "payments", "ping"), null);
        assertThat(event.value()).isEmpty();
    }

    @Test
    void shouldPreferCorrelationExtensionThenHeaderThenEventId() {
        Headers withHeader = new RecordHeaders();
        withHeader.add("x-correlation-id", Events.utf8("from-header"));
        byte[] withExtension = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"correlationid\":\"from-extension\"}");
        assertThat(read(withHeader, withExtension).correlationId()).isEqualTo("from-extension");
        assertThat(read(withHeader, Events.structured("e", "s")).correlationId()).isEqualTo("from-header");
        assertThat(read(new RecordHeaders(), Events.structured("e", "s")).correlationId()).isEqualTo("e");

        Headers binary = binaryHeaders("b", "s", "t");
        binary.add("ce_correlationid", Events.utf8("binary-extension"));
        assertThat(read(binary, null).correlationId()).isEqualTo("binary-extension");
    }

    @Test
    void shouldRejectInvalidUtf8InsideData() {
        byte[] prefix = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"note\":\"");
        byte[] suffix = Events.utf8("\"}}");
        byte[] value = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, value, 0, prefix.length);
        value[prefix.length] = (byte) 0xC3;
        value[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, value, prefix.length + 2, suffix.length);
        assertThat(reasonFor(new RecordHeaders(), value)).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void shouldRejectDeeplyNestedData() {
        CloudEventDeserializer large = new CloudEventDeserializer(1024 * 1024);
        String nested = "[".repeat(5000) + "]".repeat(5000);
        byte[] value = Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"data\":" + nested + "}");
        assertThat(large.deserialize("t", new RecordHeaders(), value))
                .isInstanceOfSatisfying(RejectedEvent.class, rejected ->
                        assertThat(rejected.error().reason()).isEqualTo(InvalidReason.INVALID_JSON));
    }

    @Test
    void shouldRejectEachKindOfBadInputWithItsReason() {
        assertThat(reasonFor(new RecordHeaders(), new byte[0])).isEqualTo(InvalidReason.INVALID_JSON);
        assertThat(reasonFor(new RecordHeaders(), null)).isEqualTo(InvalidReason.INVALID_JSON);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("\"just a string\""))).isEqualTo(InvalidReason.INVALID_JSON);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("{\"specversion\":\"1.0\"} trailing"))).isEqualTo(InvalidReason.INVALID_JSON);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("{\"specversion\":\"0.3\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\"}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"time\":\"yesterday\"}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"" + "s".repeat(600) + "\",\"type\":\"t\"}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8("{\"id\":\"e\",\"source\":\"s\",\"type\":\"t\"}")))
                .isEqualTo(InvalidReason.MISSING_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), new byte[2048])).isEqualTo(InvalidReason.OVERSIZE);
        assertThat(reasonFor(binaryHeaders("b", null, "t"), null)).isEqualTo(InvalidReason.MISSING_ATTRIBUTE);

        Headers badHeader = binaryHeaders("b", "s", "t");
        badHeader.add("ce_subject", new byte[] {(byte) 0xFF, (byte) 0xFE});
        assertThat(reasonFor(badHeader, null)).isEqualTo(InvalidReason.UNDECODABLE);

        Headers jsonBinary = binaryHeaders("b", "s", "t");
        jsonBinary.add("content-type", Events.utf8("application/cloudevents+json"));
        assertThat(reasonFor(jsonBinary, Events.utf8("{not json"))).isEqualTo(InvalidReason.INVALID_JSON);
    }

    @Test
    void shouldRejectDataBase64ThatIsNotBase64OrBesideData() {
        String attributes = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",";
        assertThat(reasonFor(new RecordHeaders(), Events.utf8(attributes + "\"data_base64\":42}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8(attributes + "\"data_base64\":\"not base64!\"}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(reasonFor(new RecordHeaders(), Events.utf8(attributes + "\"data\":{},\"data_base64\":\"AAEC\"}")))
                .isEqualTo(InvalidReason.INVALID_ATTRIBUTE);
        assertThat(read(new RecordHeaders(), Events.utf8(attributes + "\"data_base64\":\"AAEC\"}")).id()).isEqualTo("e");
    }

    @Test
    void shouldRejectAnExtensionHeaderThatIsNotUtf8() {
        Headers headers = binaryHeaders("b", "s", "t");
        headers.add("ce_myextension", new byte[] {(byte) 0xC3, (byte) 0x28});
        assertThat(reasonFor(headers, null)).isEqualTo(InvalidReason.UNDECODABLE);
    }

    @Test
    void shouldAcceptNonJsonBinaryData() {
        Headers headers = binaryHeaders("b", "s", "t");
        headers.add("content-type", Events.utf8("application/octet-stream"));
        byte[] bytes = {(byte) 0xFF, 0x00, 0x10};
        assertThat(read(headers, bytes).value()).isEqualTo(bytes);
    }

    @Test
    void shouldKnowSourceAndCorrelationOfInvalidEventWhereReadable() {
        byte[] noType = "{\"specversion\":\"1.0\",\"id\":\"e-7\",\"source\":\"crm\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(deserializer.deserialize("t", new RecordHeaders(), noType))
                .isInstanceOfSatisfying(RejectedEvent.class, rejected -> {
                    assertThat(rejected.source()).isEqualTo("crm");
                    assertThat(rejected.error().correlationId()).contains("e-7");
                    assertThat(rejected.error().reason()).isEqualTo(InvalidReason.MISSING_ATTRIBUTE);
                });
        assertThatThrownBy(() -> deserializer.deserialize("t", new RecordHeaders(), Events.utf8("{\"id\":\"no-source\"}")))
                .as("without a readable source there is no one to blame: thrown for the deserialization handler")
                .isInstanceOf(InvalidEventException.class);
    }
}
