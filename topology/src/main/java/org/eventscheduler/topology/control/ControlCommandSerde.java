package org.eventscheduler.topology.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.eventscheduler.topology.failure.Failures;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;

/**
 * JSON form of {@link ControlCommand} on {@code scheduler.control}. An unreadable or invalid command is
 * rejected with reason {@code invalid-control} and goes to the dead-letter topic.
 */
public final class ControlCommandSerde implements Serde<ControlCommand> {
    static final ObjectMapper JSON = WireJson.MAPPER;

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
        Throwable root = Failures.rootCause(error);
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
