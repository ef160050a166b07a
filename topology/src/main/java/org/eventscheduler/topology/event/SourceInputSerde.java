package org.eventscheduler.topology.event;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.control.ControlCommandSerde;

/**
 * Serde of {@link SourceInput} on the internal {@code by-source} repartition topic. Events (valid or
 * not) are written exactly as they arrived (the original headers travel with the record), so the topic
 * holds a re-keyed copy of the input; a valid event also carries the attributes read from it
 * ({@link ParsedAttributes}, header {@code scheduler.parsed}), so that it is parsed once, and an invalid
 * one is read back through the same {@link CloudEventDeserializer}. Operator commands are written as
 * JSON and marked with the {@code scheduler.kind: control} header.
 */
public final class SourceInputSerde implements Serde<SourceInput> {
    static final String CONTROL = "control";

    private final CloudEventDeserializer events;
    private final ControlCommandSerde controls = new ControlCommandSerde();

    public SourceInputSerde(int maxEventBytes) {
        this.events = new CloudEventDeserializer(maxEventBytes);
    }

    @Override
    public Serializer<SourceInput> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, SourceInput input) {
                throw new UnsupportedOperationException("the by-source topic needs the record headers");
            }

            @Override
            public byte[] serialize(String topic, Headers headers, SourceInput input) {
                headers.remove(SchedulerHeaders.KIND);
                headers.remove(SchedulerHeaders.PARSED);
                return switch (input) {
                    case IngressEvent event -> {
                        headers.add(SchedulerHeaders.PARSED, ParsedAttributes.write(event));
                        yield event.value();
                    }
                    case RejectedEvent rejected -> rejected.value();
                    case SourceControl control -> {
                        SchedulerHeaders.put(headers, SchedulerHeaders.KIND, CONTROL);
                        yield controls.serializer().serialize(topic, control.command());
                    }
                    case UnparsedEvent unparsed -> throw new IllegalStateException(
                            "an unparsed event is keyed by its source and never repartitioned: " + unparsed.source());
                };
            }
        };
    }

    @Override
    public Deserializer<SourceInput> deserializer() {
        return new Deserializer<>() {
            @Override
            public SourceInput deserialize(String topic, byte[] data) {
                return events.deserialize(topic, data);
            }

            @Override
            public SourceInput deserialize(String topic, Headers headers, byte[] data) {
                if (SchedulerHeaders.lastString(headers, SchedulerHeaders.KIND).filter(CONTROL::equals).isPresent()) {
                    return new SourceControl(controls.deserializer().deserialize(topic, data));
                }
                Header parsed = headers.lastHeader(SchedulerHeaders.PARSED);
                if (parsed != null) {
                    // internal to by-source: the records the stage writes carry the event's own headers only
                    headers.remove(SchedulerHeaders.PARSED);
                    var event = ParsedAttributes.read(parsed.value(), data);
                    if (event.isPresent()) {
                        return event.get();
                    }
                }
                return events.deserialize(topic, headers, data);
            }
        };
    }
}
