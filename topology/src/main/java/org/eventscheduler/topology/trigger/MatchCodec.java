package org.eventscheduler.topology.trigger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The compact binary form of a {@link TriggerInput.Match} on the internal {@code by-trigger} topic: a
 * version byte, then the match's strings as (length, UTF-8 bytes), a flags byte, and the workflow
 * input's JSON bytes as they were built, so that neither side parses or writes JSON for them. Records
 * written as JSON by earlier versions (they start with {@code '{'}) are still read, by
 * {@link TriggerJson}, during an upgrade.
 */
final class MatchCodec {
    static final byte VERSION = 1;
    private static final byte HAS_INPUT = 1;
    private static final byte HAS_ERROR = 2;

    private MatchCodec() {
    }

    static byte[] write(TriggerInput.Match match) {
        byte[][] strings = {utf8(match.triggerId()), utf8(match.workflow()), utf8(match.eventId()),
                utf8(match.source()), utf8(match.type()), utf8(match.correlationId())};
        byte[] error = match.error().map(MatchCodec::utf8).orElse(null);
        byte[] input = match.input().orElse(null);
        int size = 1 + 1;
        for (byte[] string : strings) {
            size += 4 + string.length;
        }
        size += input == null ? 0 : 4 + input.length;
        size += error == null ? 0 : 4 + error.length;
        ByteBuffer buffer = ByteBuffer.allocate(size).put(VERSION);
        for (byte[] string : strings) {
            buffer.putInt(string.length).put(string);
        }
        buffer.put((byte) ((input == null ? 0 : HAS_INPUT) | (error == null ? 0 : HAS_ERROR)));
        if (input != null) {
            buffer.putInt(input.length).put(input);
        }
        if (error != null) {
            buffer.putInt(error.length).put(error);
        }
        return buffer.array();
    }

    static boolean isBinary(byte[] data) {
        return data.length > 0 && data[0] == VERSION;
    }

    static TriggerInput.Match read(byte[] data) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            if (buffer.get() != VERSION) {
                throw new SerializationException("unknown by-trigger match version " + data[0]);
            }
            String triggerId = string(buffer);
            String workflow = string(buffer);
            String eventId = string(buffer);
            String source = string(buffer);
            String type = string(buffer);
            String correlationId = string(buffer);
            byte flags = buffer.get();
            Optional<byte[]> input = (flags & HAS_INPUT) != 0 ? Optional.of(bytes(buffer)) : Optional.empty();
            Optional<String> error = (flags & HAS_ERROR) != 0 ? Optional.of(string(buffer)) : Optional.empty();
            return new TriggerInput.Match(triggerId, workflow, eventId, source, type, correlationId, input, error);
        } catch (RuntimeException e) {
            throw new SerializationException("a by-trigger match that cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer buffer) {
        int length = buffer.getInt();
        String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }
}
