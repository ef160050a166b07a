package org.eventscheduler.topology.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What the source stage needs of a valid event besides its value, as it crosses {@code by-source} in the
 * internal header {@code scheduler.parsed}: a version byte, then id, source, type and correlation id
 * (each length-prefixed UTF-8), the content mode, and where a structured event's {@code data} lies in
 * the value. The other side rebuilds the {@link IngressEvent} from it and the value without parsing the
 * event a second time; a header of an unknown version (or none) is not read, and the event is parsed.
 */
final class ParsedAttributes {
    private static final byte VERSION = 1;

    private ParsedAttributes() {
    }

    static byte[] write(IngressEvent event) {
        byte[] id = utf8(event.id());
        byte[] source = utf8(event.source());
        byte[] type = utf8(event.type());
        byte[] correlationId = utf8(event.correlationId());
        return ByteBuffer.allocate(1 + 4 * 4 + id.length + source.length + type.length + correlationId.length + 1 + 8)
                .put(VERSION)
                .putInt(id.length).put(id).putInt(source.length).put(source).putInt(type.length).put(type)
                .putInt(correlationId.length).put(correlationId)
                .put((byte) event.mode().ordinal()).putInt(event.dataStart()).putInt(event.dataEnd())
                .array();
    }

    /** The event of {@code value} with the attributes of {@code header}; empty for a header of another version. */
    static Optional<IngressEvent> read(byte[] header, byte[] value) {
        if (header == null || header.length == 0 || header[0] != VERSION) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(header, 1, header.length - 1);
        String id = string(buffer);
        String source = string(buffer);
        String type = string(buffer);
        String correlationId = string(buffer);
        IngressEvent.Mode mode = IngressEvent.Mode.values()[buffer.get()];
        return Optional.of(new IngressEvent(id, source, type, correlationId, mode, value, buffer.getInt(), buffer.getInt()));
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
