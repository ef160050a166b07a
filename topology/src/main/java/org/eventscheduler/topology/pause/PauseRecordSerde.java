package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.eventscheduler.topology.WireJson;

/** JSON form of {@link PauseRecord}: camelCase fields, ISO-8601 times and durations, absent optionals omitted. */
public final class PauseRecordSerde implements Serde<PauseRecord> {
    static final ObjectMapper JSON = WireJson.MAPPER;

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
