package org.eventscheduler.topology.guard;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store's serde of {@link GuardState}, read and written on every record (and in the changelog);
 * the binary form itself is {@link GuardState#toBytes()} and {@link GuardState#fromBytes}.
 */
public final class GuardStateSerde implements Serde<GuardState> {
    private final RateWindow window;

    public GuardStateSerde(RateWindow window) {
        this.window = window;
    }

    @Override
    public Serializer<GuardState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<GuardState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(GuardState state) {
        return state.toBytes();
    }

    GuardState read(byte[] bytes) {
        return GuardState.fromBytes(bytes, window);
    }
}
