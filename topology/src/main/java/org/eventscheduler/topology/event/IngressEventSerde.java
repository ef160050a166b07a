package org.eventscheduler.topology.event;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of an {@link IngressEvent} on the internal repartition topic: the value is written exactly as
 * it arrived (the original headers travel with the record), and read back through the same validating
 * {@link CloudEventDeserializer}. The repartition topic therefore holds a re-keyed copy of the input.
 */
public final class IngressEventSerde implements Serde<IngressEvent> {
    private final CloudEventDeserializer deserializer;

    public IngressEventSerde(int maxEventBytes) {
        this.deserializer = new CloudEventDeserializer(maxEventBytes);
    }

    @Override
    public Serializer<IngressEvent> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, IngressEvent event) {
                return event == null ? null : event.value();
            }

            @Override
            public byte[] serialize(String topic, Headers headers, IngressEvent event) {
                return serialize(topic, event);
            }
        };
    }

    @Override
    public Deserializer<IngressEvent> deserializer() {
        return deserializer;
    }
}
