package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eventscheduler.topology.event.IngressEvent;
import org.junit.jupiter.api.Test;

class EventEnvelopeTest {
    @Test
    void shouldReadAStructuredEventsDataAloneForTheContentFilters() {
        // the data the deserializer located, inside a value that could not be read whole
        String value = "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"amount\":7}, !";
        int start = value.indexOf("{\"amount\"");
        int end = value.indexOf('}', start) + 1;
        IngressEvent event = new IngressEvent("e", "s", "t", "e", IngressEvent.Mode.STRUCTURED,
                value.getBytes(StandardCharsets.UTF_8), start, end);
        EventEnvelope envelope = new EventEnvelope(event, new RecordHeaders());
        assertThat(envelope.data().get("amount").asInt()).isEqualTo(7);
    }
}
