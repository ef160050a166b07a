package org.eventscheduler.topology.guard;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store's serde of {@link GuardState}, read and written on every record (and in the changelog);
 * the binary form itself is {@link GuardState#toBytes()} and {@link GuardState#fromBytes}.
 *
 * <p>An entity's state is read back far more often than it changes hands: a storm's source, or a trigger
 * pinned to a busy source, is loaded, changed and written on every event. The record cache (and an
 * in-memory store after it) hands back the very array a write gave it, so the serde remembers, per
 * thread, the states it wrote last ({@link #REMEMBERED} of them) by the identity of their arrays: reading
 * one of those arrays again gives its state without decoding it, and forgets it, since the reader may
 * change the state (it is remembered again when it is written). Another array (RocksDB's, a restored
 * changelog's) is decoded. A change that throws before its state is written leaves nothing to be read
 * back: the state it changed was forgotten when it was read ({@link #forgetLastWritten} also forgets the
 * last state written).
 */
public final class GuardStateSerde implements Serde<GuardState> {
    /** How many written states a thread remembers: the entities of its tasks that change most often. */
    static final int REMEMBERED = 1024;
    private static final ThreadLocal<Written> WRITTEN = ThreadLocal.withInitial(Written::new);
    private final RateWindow window;

    /** An array, by identity. */
    private record Array(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Array array && array.bytes == bytes;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(bytes);
        }
    }

    /** The states written on one thread, by the array each was written as, the oldest pushed out first. */
    private static final class Written extends java.util.LinkedHashMap<Array, GuardState> {
        private Array last;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Array, GuardState> eldest) {
            return size() > REMEMBERED;
        }
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
        Written written = WRITTEN.get();
        written.last = new Array(bytes);
        written.put(written.last, state);
        return bytes;
    }

    GuardState read(byte[] bytes) {
        GuardState state = WRITTEN.get().remove(new Array(bytes));
        // the same bytes read as the same window (fromBytes reads another bucket count as an empty window)
        if (state != null && state.window.buckets() == window.buckets()) {
            return state;
        }
        return GuardState.fromBytes(bytes, window);
    }

    /** Forgets the last state written on this thread: it may have been changed since, and not written again. */
    static void forgetLastWritten() {
        Written written = WRITTEN.get();
        if (written.last != null) {
            written.remove(written.last);
            written.last = null;
        }
    }
}
