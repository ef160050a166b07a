package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a trigger builds its workflow's input from the event, seen in the CloudEvents JSON format
 * ({@link EventEnvelope}): {@code from: data} (the default) passes the event's data (the JSON value,
 * the text as a string, Base64 for binary data, {@code null} without data); {@code from: event} passes
 * the whole event; {@code from: fields} builds an object whose values are picked from the event with
 * JSON Pointers ({@code /data/orderId}, {@code /source}). A pointer that finds nothing in an event is
 * that event's fault ({@link EventEnvelope.EventProblem}): it counts against the event's source, not
 * against the trigger.
 */
public record InputTemplate(Optional<From> from, Optional<Map<String, String>> fields) {

    /** Where the input comes from. */
    public enum From {
        DATA, EVENT, FIELDS;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static From fromCode(String code) {
            for (From from : values()) {
                if (from.code().equals(code)) {
                    return from;
                }
            }
            throw new IllegalArgumentException("must be data, event or fields, was " + code);
        }
    }

    public InputTemplate {
        from = from == null ? Optional.empty() : from;
        fields = fields == null ? Optional.empty() : fields.map(LinkedHashMap::new);
    }

    /** The effective source of the input. */
    From source() {
        return from.orElse(fields.isPresent() ? From.FIELDS : From.DATA);
    }

    /** Builds inputs from events, as JSON bytes; validated at compile time. */
    interface Builder {
        byte[] build(EventEnvelope event);
    }

    Builder compile(String triggerId) {
        return switch (source()) {
            case DATA -> {
                requireNoFields(triggerId);
                yield EventEnvelope::dataInputJson;
            }
            case EVENT -> {
                requireNoFields(triggerId);
                yield EventEnvelope::envelopeJson;
            }
            case FIELDS -> {
                Map<String, String> spec = fields.filter(f -> !f.isEmpty()).orElseThrow(() ->
                        new InvalidTriggerException(triggerId, "input.fields", "from: fields needs at least one field"));
                Map<String, JsonPointer> pointers = new LinkedHashMap<>();
                spec.forEach((name, pointer) -> {
                    if (pointer == null || !pointer.startsWith("/")) {
                        throw new InvalidTriggerException(triggerId, "input.fields." + name,
                                "must be a JSON Pointer into the event, such as /data/orderId, was " + pointer);
                    }
                    pointers.put(name, JsonPointer.compile(pointer));
                });
                yield event -> {
                    JsonNode envelope = event.envelope();
                    ObjectNode input = JsonNodeFactory.instance.objectNode();
                    pointers.forEach((name, pointer) -> {
                        JsonNode value = envelope.at(pointer);
                        if (value.isMissingNode()) {
                            throw new EventEnvelope.EventProblem("input field " + name + ": " + pointer
                                    + " not found in the event");
                        }
                        input.set(name, value);
                    });
                    return EventEnvelope.json(input);
                };
            }
        };
    }

    private void requireNoFields(String triggerId) {
        if (fields.isPresent()) {
            throw new InvalidTriggerException(triggerId, "input.fields", "applies to from: fields only");
        }
    }
}
