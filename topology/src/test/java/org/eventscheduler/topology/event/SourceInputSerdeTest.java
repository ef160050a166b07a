package org.eventscheduler.topology.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eventscheduler.topology.SchedulerHeaders;
import org.junit.jupiter.api.Test;

class SourceInputSerdeTest {
    private static final String TOPIC = "app-by-source-repartition";
    private final SourceInputSerde serde = new SourceInputSerde(1024 * 1024);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private IngressEvent parsed(String json) {
        return (IngressEvent) new CloudEventDeserializer(1024 * 1024).deserialize("in", new RecordHeaders(), utf8(json));
    }

    @Test
    void shouldCarryTheAttributesReadOnceAcrossTheRepartition() {
        IngressEvent event = parsed("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"orders\",\"type\":\"t\","
                + "\"correlationid\":\"c-9\",\"data\":{\"n\":1}}");
        RecordHeaders headers = new RecordHeaders();
        byte[] written = serde.serializer().serialize(TOPIC, headers, event);
        assertThat(headers.lastHeader(SchedulerHeaders.PARSED)).isNotNull();

        SourceInput read = serde.deserializer().deserialize(TOPIC, headers, written);
        assertThat(read).isEqualTo(event);
        assertThat(headers.lastHeader(SchedulerHeaders.PARSED)).as("internal to by-source").isNull();
    }

    @Test
    void shouldNotParseTheEventAgainOnTheOtherSide() {
        IngressEvent event = parsed("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"orders\",\"type\":\"t\"}");
        RecordHeaders headers = new RecordHeaders();
        serde.serializer().serialize(TOPIC, headers, event);
        // the value as the other side gets it, made unreadable: it is not parsed, the attributes are taken
        SourceInput read = serde.deserializer().deserialize(TOPIC, headers, utf8("not json"));
        assertThat(read).isInstanceOfSatisfying(IngressEvent.class, e -> assertThat(e.id()).isEqualTo("e-1"));
    }

    @Test
    void shouldParseAnEventWhoseAttributesComeInAnUnknownVersion() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SchedulerHeaders.PARSED, new byte[] {99, 0, 0});
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, headers, utf8("not json")))
                .isInstanceOf(InvalidEventException.class);
    }
}
