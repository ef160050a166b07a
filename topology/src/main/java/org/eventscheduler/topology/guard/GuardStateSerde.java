package org.eventscheduler.topology.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link GuardState}, read and written on every record (and in the changelog).
 * Layout, version 2: version, causes, shadow causes, window (head bucket, bucket count, counts),
 * over-limit bucket and streak, paused-at, rate resume-at, resumed-at, pause count, tripped-by,
 * operator until / actor / reason, breaker state, open-until, half-open probes, breaker history
 * (length-prefixed, read lazily with the entity's breaker settings). Strings are length-prefixed
 * UTF-8. A stored window with another bucket count than configured (the window was reconfigured) is
 * read as empty.
 */
public final class GuardStateSerde implements Serde<GuardState> {
    private static final byte VERSION = 2;
    private final int buckets;

    public GuardStateSerde(int buckets) {
        this.buckets = buckets;
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
        byte[] trippedBy = utf8(state.trippedBy);
        byte[] actor = utf8(state.operatorActor);
        byte[] reason = utf8(state.operatorReason);
        byte[] history = state.historyBytes();
        SlidingCount window = state.window;
        int size = 1 + 1 + 1 + 8 + 4 + 4 * window.buckets() + 8 + 4 + 8 + 8 + 8 + 4 + 4 + trippedBy.length
                + 8 + 4 + actor.length + 4 + reason.length + 1 + 8 + 4 + 4 + (history == null ? 0 : history.length);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(VERSION).put((byte) state.causes).put((byte) state.shadowCauses)
                .putLong(window.headBucket()).putInt(window.buckets());
        for (int slot = 0; slot < window.buckets(); slot++) {
            buffer.putInt(window.countIn(slot));
        }
        buffer.putLong(state.overLimitBucket).putInt(state.overLimitStreak)
                .putLong(state.pausedAt).putLong(state.rateResumeAt).putLong(state.resumedAt)
                .putInt(state.pauseCount).putInt(trippedBy.length).put(trippedBy)
                .putLong(state.operatorUntil).putInt(actor.length).put(actor).putInt(reason.length).put(reason)
                .put((byte) state.breakerState.ordinal()).putLong(state.breakerOpenUntil).putInt(state.halfOpenProbes);
        if (history == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(history.length).put(history);
        }
        return buffer.array();
    }

    GuardState read(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        if (version != VERSION) {
            throw new SerializationException("unknown guard-state version " + version);
        }
        int causes = buffer.get();
        int shadowCauses = buffer.get();
        long headBucket = buffer.getLong();
        int storedBuckets = buffer.getInt();
        int[] counts = new int[storedBuckets];
        for (int slot = 0; slot < storedBuckets; slot++) {
            counts[slot] = buffer.getInt();
        }
        GuardState state = new GuardState(storedBuckets == buckets
                ? new SlidingCount(headBucket, counts)
                : SlidingCount.empty(headBucket, buckets));
        state.causes = causes;
        state.shadowCauses = shadowCauses;
        state.overLimitBucket = buffer.getLong();
        state.overLimitStreak = buffer.getInt();
        state.pausedAt = buffer.getLong();
        state.rateResumeAt = buffer.getLong();
        state.resumedAt = buffer.getLong();
        state.pauseCount = buffer.getInt();
        state.trippedBy = string(buffer);
        state.operatorUntil = buffer.getLong();
        state.operatorActor = string(buffer);
        state.operatorReason = string(buffer);
        state.breakerState = Breaker.State.values()[buffer.get()];
        state.breakerOpenUntil = buffer.getLong();
        state.halfOpenProbes = buffer.getInt();
        int historyLength = buffer.getInt();
        if (historyLength >= 0) {
            byte[] history = new byte[historyLength];
            buffer.get(history);
            state.storedHistory(history);
        }
        return state;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
