package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.event.InvalidReason;
import org.eventscheduler.topology.event.RejectedRecordException;

/** The JSON serdes of the trigger side: the {@code by-trigger} topic, start results and workflow starts. */
public final class TriggerJson {
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .build();

    private static final String MATCH = "match";
    private static final String RESULT = "result";
    private static final String CONTROL = "control";

    private TriggerJson() {
    }

    static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@link TriggerInput} on the {@code by-trigger} topic; the kind travels in the {@code scheduler.kind} header. */
    static Serde<TriggerInput> inputSerde() {
        Serializer<TriggerInput> serializer = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, TriggerInput input) {
                throw new UnsupportedOperationException("the by-trigger topic needs the record headers");
            }

            @Override
            public byte[] serialize(String topic, Headers headers, TriggerInput input) {
                String kind = switch (input) {
                    case TriggerInput.Match match -> MATCH;
                    case TriggerInput.StartResult result -> RESULT;
                    case TriggerInput.Control control -> CONTROL;
                };
                SchedulerHeaders.put(headers, SchedulerHeaders.KIND, kind);
                return write(input instanceof TriggerInput.Control control ? control.command() : input);
            }
        };
        Deserializer<TriggerInput> deserializer = new Deserializer<>() {
            @Override
            public TriggerInput deserialize(String topic, byte[] data) {
                throw new UnsupportedOperationException("the by-trigger topic needs the record headers");
            }

            @Override
            public TriggerInput deserialize(String topic, Headers headers, byte[] data) {
                String kind = SchedulerHeaders.lastString(headers, SchedulerHeaders.KIND).orElse("");
                try {
                    return switch (kind) {
                        case MATCH -> JSON.readValue(data, TriggerInput.Match.class);
                        case RESULT -> JSON.readValue(data, TriggerInput.StartResult.class);
                        case CONTROL -> new TriggerInput.Control(JSON.readValue(data, ControlCommand.class));
                        default -> throw new SerializationException("by-trigger record without a known kind: " + kind);
                    };
                } catch (IOException e) {
                    throw new SerializationException("cannot read a " + kind + " from " + topic, e);
                }
            }
        };
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
    }

    /** Reads {@code workflow.start-results}; an unreadable result is rejected with reason {@code invalid-start-result}. */
    public static Deserializer<TriggerInput.StartResult> startResultDeserializer() {
        return (topic, data) -> {
            if (data == null) {
                throw new RejectedRecordException(InvalidReason.INVALID_START_RESULT, "a start result needs a value");
            }
            JsonNode node;
            try {
                node = JSON.readTree(data);
            } catch (IOException e) {
                throw new RejectedRecordException(InvalidReason.INVALID_START_RESULT, "not JSON: " + e.getMessage());
            }
            String eventId = text(node, "eventId");
            String triggerId = text(node, "triggerId");
            String status = text(node, "status");
            if (!TriggerInput.StartResult.known(status)) {
                throw new RejectedRecordException(InvalidReason.INVALID_START_RESULT, "unknown status " + status
                        + "; use one of " + TriggerInput.StartResult.SUCCESSES + " or " + TriggerInput.StartResult.FAILURES);
            }
            JsonNode error = node.get("error");
            return new TriggerInput.StartResult(eventId, triggerId, status,
                    error == null || error.isNull() ? java.util.Optional.empty() : java.util.Optional.of(error.asText()));
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new RejectedRecordException(InvalidReason.INVALID_START_RESULT, field + " is missing or not a string");
        }
        return value.asText();
    }

    /** Writes {@link WorkflowStart} values. */
    public static Serializer<WorkflowStart> workflowStartSerializer() {
        return (topic, start) -> start == null ? null : write(start);
    }

    /** Reads {@link WorkflowStart} values, for consumers of {@code workflow.starts}. */
    public static Deserializer<WorkflowStart> workflowStartDeserializer() {
        return (topic, data) -> {
            try {
                return data == null ? null : JSON.readValue(data, WorkflowStart.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read a workflow start from " + topic, e);
            }
        };
    }
}
