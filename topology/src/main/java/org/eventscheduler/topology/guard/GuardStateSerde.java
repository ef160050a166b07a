package org.eventscheduler.topology.guard;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store's serde of {@link GuardState}, read and written on every record (and in the changelog);
 * the binary form itself is {@link GuardState#toBytes()} and {@link GuardState#fromBytes}.
 *
 * <p>An entity's state is read back far more often than it changes hands: a storm's source is loaded,
 * changed and written on every event. The record cache hands back the very array the last write gave
 * it, so the serde remembers, per thread, the last state it wrote and its bytes: reading those same bytes
 * again gives that state without decoding it. A change that throws before its state is written
 * ({@link #forgetLastWritten}) must not leave its half-made changes to be read back.
 */
public final class GuardStateSerde implements Serde<GuardState> {
    /** The last state written on this thread, and the array it was written as. */
    private static final ThreadLocal<Written> LAST_WRITTEN = new ThreadLocal<>();
    private final RateWindow window;

    private record Written(byte[] bytes, GuardState state) {
    }

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
        byte[] bytes = state.toBytes();
        LAST_WRITTEN.set(new Written(bytes, state));
        return bytes;
    }

    GuardState read(byte[] bytes) {
        Written last = LAST_WRITTEN.get();
        // the same bytes read as the same window (fromBytes reads another bucket count as an empty window)
        if (last != null && last.bytes() == bytes && last.state().window.buckets() == window.buckets()) {
            return last.state();
        }
        return GuardState.fromBytes(bytes, window);
    }

    /** Forgets the last state written on this thread: it may have been changed since, and not written again. */
    static void forgetLastWritten() {
        LAST_WRITTEN.remove();
    }
}
