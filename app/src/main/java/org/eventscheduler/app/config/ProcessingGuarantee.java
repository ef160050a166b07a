package org.eventscheduler.app.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.apache.kafka.streams.StreamsConfig;
import org.eventscheduler.topology.config.InvalidConfigException;

/** Kafka Streams' processing guarantee, as configured. */
public enum ProcessingGuarantee {
    EXACTLY_ONCE("exactly-once", StreamsConfig.EXACTLY_ONCE_V2),
    AT_LEAST_ONCE("at-least-once", StreamsConfig.AT_LEAST_ONCE);

    private final String configName;
    private final String streamsValue;

    ProcessingGuarantee(String configName, String streamsValue) {
        this.configName = configName;
        this.streamsValue = streamsValue;
    }

    @JsonValue
    public String configName() {
        return configName;
    }

    /** The value of Kafka Streams' {@code processing.guarantee}. */
    public String streamsValue() {
        return streamsValue;
    }

    @JsonCreator
    public static ProcessingGuarantee fromConfig(String name) {
        return Arrays.stream(values())
                .filter(guarantee -> guarantee.configName.equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidConfigException("processing-guarantee",
                        "must be exactly-once or at-least-once, was " + name));
    }
}
