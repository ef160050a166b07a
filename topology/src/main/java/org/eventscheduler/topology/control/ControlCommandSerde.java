package org.eventscheduler.topology.control;

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
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;

/**
 * JSON form of {@link ControlCommand} on {@code scheduler.control}. An unreadable or invalid command is
 * rejected with reason {@code invalid-control} and goes to the dead-letter topic.
 */
public final class ControlCommandSerde implements Serde<ControlCommand> {
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Override
    public Serializer<ControlCommand> serializer() {
        return (topic, command) -> {
            if (command == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(command);
            } catch (IOException e) {
                throw new SerializationException("cannot write control command " + command.key(), e);
            }
        };
    }

    @Override
    public Deserializer<ControlCommand> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                throw new RejectedRecordException(InvalidReason.INVALID_CONTROL, "a control command needs a value");
            }
            try {
                return JSON.readValue(bytes, ControlCommand.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new RejectedRecordException(InvalidReason.INVALID_CONTROL, rootMessage(e));
            }
        };
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
