package org.eventscheduler.topology.hold;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.Tracing;

/**
 * A record a safeguard held back, as it waits in its entity's queue: the record's key, value and
 * headers as they would have been written, when it was held and why.
 *
 * @param heldAt  the record time at which it was held
 * @param reason  the {@code scheduler.reason} code it was held for ({@code rate-limited}, {@code source-paused}, ...)
 * @param key     the record key
 * @param value   the record value
 * @param headers the record headers, with the correlation id and origin already stamped
 */
public record HeldRecord(long heldAt, String reason, byte[] key, byte[] value, Headers headers) {
    private static final byte VERSION = 1;

    /**
     * The compact binary form in the held store: version, held-at, reason, key, value, then the headers
     * as (name, value) pairs; every byte string length-prefixed, a null header value as length -1.
     */
    public byte[] toBytes() {
        byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
        Header[] all = headers.toArray();
        byte[][] names = new byte[all.length][];
        int size = 1 + 8 + 4 + reasonBytes.length + 4 + key.length + 4 + value.length + 4;
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].key().getBytes(StandardCharsets.UTF_8);
            size += 4 + names[i].length + 4 + (all[i].value() == null ? 0 : all[i].value().length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).put(VERSION).putLong(heldAt);
        buffer.putInt(reasonBytes.length).put(reasonBytes);
        buffer.putInt(key.length).put(key);
        buffer.putInt(value.length).put(value);
        buffer.putInt(all.length);
        for (int i = 0; i < all.length; i++) {
            buffer.putInt(names[i].length).put(names[i]);
            byte[] headerValue = all[i].value();
            if (headerValue == null) {
                buffer.putInt(-1);
            } else {
                buffer.putInt(headerValue.length).put(headerValue);
            }
        }
        return buffer.array();
    }

    /**
     * The headers of the record as it goes on at {@code now}: its own, how long it was held, and the trace
     * context of the release.
     */
    public Headers releaseHeaders(long now) {
        Headers out = new RecordHeaders(headers.toArray());
        SchedulerHeaders.put(out, SchedulerHeaders.HELD_MS, Long.toString(Math.max(0, now - heldAt)));
        Tracing.inject(out);
        return out;
    }

    /**
     * The headers of its dead-letter record at {@code now}: its own, the reason it ends there, the entity
     * that held it, why and for how long.
     */
    public Headers deadLetterHeaders(String entityKey, String reasonCode, long now) {
        Headers out = new RecordHeaders(headers.toArray());
        SchedulerHeaders.put(out, SchedulerHeaders.REASON, reasonCode);
        SchedulerHeaders.put(out, SchedulerHeaders.ENTITY, entityKey);
        SchedulerHeaders.put(out, SchedulerHeaders.HELD_REASON, reason);
        SchedulerHeaders.put(out, SchedulerHeaders.HELD_MS, Long.toString(Math.max(0, now - heldAt)));
        Tracing.inject(out);
        return out;
    }

    /** The held-at time of a record in its binary form, without reading the rest. */
    public static long heldAtOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 8).getLong();
    }

    /** Reads {@link #toBytes()}. */
    public static HeldRecord fromBytes(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte version = buffer.get();
            if (version != VERSION) {
                throw new SerializationException("unknown held-record version " + version);
            }
            long heldAt = buffer.getLong();
            String reason = new String(bytes(buffer), StandardCharsets.UTF_8);
            byte[] key = bytes(buffer);
            byte[] value = bytes(buffer);
            int count = buffer.getInt();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                String name = new String(bytes(buffer), StandardCharsets.UTF_8);
                headers.add(name, bytes(buffer));
            }
            return new HeldRecord(heldAt, reason, key, value, headers);
        } catch (RuntimeException e) {
            if (e instanceof SerializationException serialization) {
                throw serialization;
            }
            throw new SerializationException("a held record that cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
