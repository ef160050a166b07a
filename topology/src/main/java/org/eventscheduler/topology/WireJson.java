package org.eventscheduler.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON of every record and answer people and other systems read: the pause changelog, control
 * commands, workflow starts and results, the admin API and instance-to-instance calls. camelCase
 * fields, ISO-8601 times and durations, absent optionals omitted, unknown fields ignored.
 */
public final class WireJson {
    /** The one configured mapper; thread-safe, shared. */
    public static final ObjectMapper MAPPER = builder().build();

    private WireJson() {
    }

    /**
     * The settings of {@link #MAPPER}, for a format that adds to them (trigger definitions: kebab-case
     * keys, unknown keys refused).
     */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT);
    }
}
