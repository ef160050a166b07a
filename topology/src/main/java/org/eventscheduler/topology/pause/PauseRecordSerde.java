package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON form of {@link PauseRecord}: camelCase fields, ISO-8601 times and durations, absent optionals omitted. */
public final class PauseRecordSerde implements Serde<PauseRecord> {
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .build();

    @Override
    public Serializer<PauseRecord> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(record);
            } catch (IOException e) {
                throw new SerializationException("cannot write pause record " + record.key(), e);
            }
        };
    }

    @Override
    public Deserializer<PauseRecord> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, PauseRecord.class);
            } catch (IOException e) {
                throw new SerializationException("cannot read a pause record from " + topic, e);
            }
        };
    }
}
