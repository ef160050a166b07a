package org.eventscheduler.topology.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.util.Optional;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.config.ConfigErrors;
import org.eventscheduler.topology.config.Durations;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/**
 * Reads, validates and compiles trigger definitions, and writes them as the JSON values of
 * {@code scheduler.triggers}. Every problem is an {@link InvalidTriggerException} naming the trigger
 * and the field.
 */
public final class TriggerDefinitions {
    /** Trigger ids appear in record keys, URLs and metric labels. */
    public static final String ID_PATTERN = "[A-Za-z0-9._-]{1,128}";

    /** The wire settings, with the configuration file's kebab-case keys and durations; unknown keys refused. */
    static final ObjectMapper JSON = WireJson.builder()
            .addModule(Durations.jacksonModule())
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private TriggerDefinitions() {
    }

    /** Reads a definition from JSON (or a tree read from YAML), naming the trigger and field of any problem. */
    public static TriggerDefinition read(JsonNode node) {
        String id = node != null && node.path("id").isTextual() ? node.path("id").asText() : "(without id)";
        if (node == null || !node.isObject()) {
            throw new InvalidTriggerException(id, "definition", "must be an object");
        }
        try {
            return JSON.treeToValue(node, TriggerDefinition.class);
        } catch (JsonMappingException e) {
            InvalidConfigException invalid = ConfigErrors.describe(e);
            throw new InvalidTriggerException(id, invalid.key(), invalid.problem());
        } catch (JsonProcessingException e) {
            throw new InvalidTriggerException(id, "definition", e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidTriggerException(id, "definition", e.getMessage());
        }
    }

    /** Reads a definition from the JSON bytes of a {@code scheduler.triggers} record. */
    public static TriggerDefinition read(String key, byte[] json) {
        try {
            return read(JSON.readTree(json));
        } catch (IOException e) {
            throw new InvalidTriggerException(key, "definition", "is not JSON: " + e.getMessage());
        }
    }

    /**
     * Reads the definition a {@code scheduler.triggers} record holds, as the topology reads it: the
     * record key is the trigger's id, so a definition that names another id is rejected.
     */
    public static TriggerDefinition fromRecord(String key, byte[] json) {
        TriggerDefinition definition = read(key, json);
        if (!key.equals(definition.id())) {
            throw new InvalidTriggerException(key, "id", "must equal the record key, was " + definition.id());
        }
        return definition;
    }

    public static byte[] write(TriggerDefinition definition) {
        try {
            return JSON.writeValueAsBytes(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write trigger " + definition.id(), e);
        }
    }

    public static JsonNode toTree(TriggerDefinition definition) {
        return JSON.valueToTree(definition);
    }

    /** Validates a definition and compiles it with the defaults for what it leaves out. */
    public static Trigger compile(TriggerDefinition definition, TriggerDefaults defaults) {
        String id = definition.id();
        if (id == null || !id.matches(ID_PATTERN)) {
            throw new InvalidTriggerException(String.valueOf(id), "id",
                    "must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        if (definition.workflow() == null || definition.workflow().isBlank()) {
            throw new InvalidTriggerException(id, "workflow", "is required");
        }
        if (definition.source().isPresent() && definition.sourcePrefix().isPresent()) {
            throw new InvalidTriggerException(id, "source", "give source or source-prefix, not both");
        }
        requireNotBlank(id, "source", definition.source());
        requireNotBlank(id, "source-prefix", definition.sourcePrefix());
        if (definition.type().isPresent() == definition.typePrefix().isPresent()) {
            throw new InvalidTriggerException(id, "type", "give exactly one of type or type-prefix");
        }
        requireNotBlank(id, "type", definition.type());
        requireNotBlank(id, "type-prefix", definition.typePrefix());
        Optional<ContentFilter> filter = definition.filter().map(pattern -> ContentFilter.compile(pattern, id));
        InputTemplate template = definition.input().orElse(new InputTemplate(Optional.empty(), Optional.empty()));
        InputTemplate.Builder input = template.compile(id);
        RateLimit rateLimit = definition.rateLimit().orElse(defaults.rateLimit());
        BreakerSettings breaker;
        try {
            breaker = definition.breaker().map(b -> b.applyTo(defaults.breaker())).orElse(defaults.breaker());
        } catch (InvalidConfigException e) {
            throw new InvalidTriggerException(id, "breaker." + e.key(), e.problem());
        }
        HoldSettings hold;
        try {
            hold = definition.hold().map(h -> h.applyTo(defaults.hold())).orElse(defaults.hold());
        } catch (InvalidConfigException e) {
            throw new InvalidTriggerException(id, "hold." + e.key(), e.problem());
        }
        return new Trigger(definition, filter, input, rateLimit, breaker, hold);
    }

    private static void requireNotBlank(String id, String field, Optional<String> value) {
        if (value.isPresent() && value.get().isBlank()) {
            throw new InvalidTriggerException(id, field, "must not be empty");
        }
    }
}
