package org.eventscheduler.topology.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link SourceState}, read and written on every event (and in the changelog).
 * Layout, version 1: version byte, status byte, head bucket, bucket count and counts, over-limit bucket
 * and streak, paused-at, resume-at, resumed-at, pause count, tripped-by (length-prefixed UTF-8).
 * A stored window with another bucket count than configured (the window was reconfigured) is read as
 * empty: its counts cannot be mapped onto the new buckets.
 */
final class SourceStateSerde implements Serde<SourceState> {
    private static final byte VERSION = 1;
    private final int buckets;

    SourceStateSerde(int buckets) {
        this.buckets = buckets;
    }

    @Override
    public Serializer<SourceState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<SourceState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(SourceState state) {
        byte[] trippedBy = state.trippedBy.getBytes(StandardCharsets.UTF_8);
        SlidingCount window = state.window;
        ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 8 + 4 + 4 * window.buckets() + 8 + 4 + 8 + 8 + 8 + 4 + 4
                + trippedBy.length);
        buffer.put(VERSION).put((byte) state.status.ordinal()).putLong(window.headBucket()).putInt(window.buckets());
        for (int slot = 0; slot < window.buckets(); slot++) {
            buffer.putInt(window.countIn(slot));
        }
        buffer.putLong(state.overLimitBucket).putInt(state.overLimitStreak)
                .putLong(state.pausedAt).putLong(state.resumeAt).putLong(state.resumedAt)
                .putInt(state.pauseCount)
                .putInt(trippedBy.length).put(trippedBy);
        return buffer.array();
    }

    SourceState read(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        if (version != VERSION) {
            throw new SerializationException("unknown source-state version " + version);
        }
        SourceState.Status status = SourceState.Status.values()[buffer.get()];
        long headBucket = buffer.getLong();
        int storedBuckets = buffer.getInt();
        int[] counts = new int[storedBuckets];
        for (int slot = 0; slot < storedBuckets; slot++) {
            counts[slot] = buffer.getInt();
        }
        SlidingCount window = storedBuckets == buckets
                ? new SlidingCount(headBucket, counts)
                : SlidingCount.empty(headBucket, buckets);
        SourceState state = new SourceState(window);
        state.status = status;
        state.overLimitBucket = buffer.getLong();
        state.overLimitStreak = buffer.getInt();
        state.pausedAt = buffer.getLong();
        state.resumeAt = buffer.getLong();
        state.resumedAt = buffer.getLong();
        state.pauseCount = buffer.getInt();
        byte[] trippedBy = new byte[buffer.getInt()];
        buffer.get(trippedBy);
        state.trippedBy = new String(trippedBy, StandardCharsets.UTF_8);
        return state;
    }
}
