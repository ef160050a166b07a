package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;

/** The JSON serdes of the trigger side: the {@code by-trigger} topic, start results and workflow starts. */
public final class TriggerJson {
    static final ObjectMapper JSON = WireJson.MAPPER;

    private static final String MATCH = "match";
    private static final String RESULT = "result";
    private static final String CONTROL = "control";
    private static final String DEMAND = "demand";
    private static final String GRANT = "grant";

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
                    case TriggerInput.Demand demand -> DEMAND;
                    case TriggerInput.Grant grant -> GRANT;
                };
                SchedulerHeaders.put(headers, SchedulerHeaders.KIND, kind);
                return switch (input) {
                    case TriggerInput.Match match -> MatchCodec.write(match);
                    case TriggerInput.Control control -> write(control.command());
                    case TriggerInput.StartResult result -> write(result);
                    case TriggerInput.Demand demand -> write(demand);
                    case TriggerInput.Grant grant -> write(grant);
                };
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
                        case MATCH -> MatchCodec.isBinary(data) ? MatchCodec.read(data)
                                : JSON.readValue(data, JsonMatch.class).match();
                        case RESULT -> JSON.readValue(data, TriggerInput.StartResult.class);
                        case CONTROL -> new TriggerInput.Control(JSON.readValue(data, ControlCommand.class));
                        case DEMAND -> JSON.readValue(data, TriggerInput.Demand.class);
                        case GRANT -> JSON.readValue(data, TriggerInput.Grant.class);
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

    /** A match as earlier versions wrote it to {@code by-trigger}: JSON, the input as a JSON value. */
    private record JsonMatch(String triggerId, String workflow, String eventId, String source, String type,
                             String correlationId, java.util.Optional<JsonNode> input, java.util.Optional<String> error) {
        TriggerInput.Match match() {
            return new TriggerInput.Match(triggerId, workflow, eventId, source, type, correlationId,
                    input.map(TriggerJson::write), error);
        }
    }

    /** Writes {@link WorkflowStart} values. */
    public static Serializer<WorkflowStart> workflowStartSerializer() {
        return (topic, start) -> start == null ? null : write(start);
    }

    /**
     * Writes an admitted match as a {@link WorkflowStart} value, its input JSON written as it is (it was
     * built, or cut from the event, as JSON already).
     */
    static Serializer<TriggerInput.Match> startSerializer() {
        return (topic, match) -> {
            if (match == null) {
                return null;
            }
            byte[] input = match.input().orElseThrow(() -> new IllegalStateException("a failed match starts nothing"));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(160 + input.length);
            try (com.fasterxml.jackson.core.JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
                generator.writeStartObject();
                generator.writeStringField("workflow", match.workflow());
                generator.writeStringField("triggerId", match.triggerId());
                generator.writeStringField("eventId", match.eventId());
                generator.writeStringField("source", match.source());
                generator.writeStringField("type", match.type());
                generator.writeStringField("correlationId", match.correlationId());
                generator.writeFieldName("input");
                // the input's JSON as it was built, its bytes written as they are (not decoded and encoded again)
                generator.writeRawValue(new RawJson(input));
                generator.writeEndObject();
            } catch (IOException e) {
                throw new SerializationException("cannot write the workflow start of " + match.triggerId(), e);
            }
            return out.toByteArray();
        };
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

    /**
     * JSON bytes already written (a workflow input), for {@link com.fasterxml.jackson.core.JsonGenerator#writeRawValue(
     * com.fasterxml.jackson.core.SerializableString)}: a UTF-8 generator copies them as they are. Only the
     * unquoted UTF-8 forms are ever asked for by it; the others are the text, decoded.
     */
    private record RawJson(byte[] utf8) implements com.fasterxml.jackson.core.SerializableString {
        @Override
        public String getValue() {
            return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public char[] asQuotedChars() {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public byte[] asQuotedUTF8() {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            String text = getValue();
            if (offset + text.length() > buffer.length) {
                return -1;
            }
            text.getChars(0, text.length(), buffer, offset);
            return text.length();
        }

        @Override
        public int writeQuotedUTF8(java.io.OutputStream out) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int writeUnquotedUTF8(java.io.OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putQuotedUTF8(java.nio.ByteBuffer buffer) {
            throw new UnsupportedOperationException("raw JSON is never quoted");
        }

        @Override
        public int putUnquotedUTF8(java.nio.ByteBuffer buffer) {
            if (utf8.length > buffer.remaining()) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }
    }
}
