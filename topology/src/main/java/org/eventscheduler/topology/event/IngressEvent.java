package org.eventscheduler.topology.event;

/**
 * A validated CloudEvent as it arrived on the ingress topic: the attributes the scheduler decides on,
 * plus the original value bytes, which are forwarded unchanged (the original headers travel with the
 * Kafka record itself).
 *
 * @param id            CloudEvents {@code id}
 * @param source        CloudEvents {@code source}: the entity that rate limits and pauses apply to
 * @param type          CloudEvents {@code type}
 * @param correlationId the {@code correlationid} extension, else the {@code x-correlation-id} header, else {@code id}
 * @param mode          how the event was encoded on the topic
 * @param value         the original record value; empty for a binary-mode event without data
 * @param dataStart     in a structured event, where the JSON value of its {@code data} member starts in
 *                      {@code value} (so that it can be passed on without being parsed again); -1 if none
 * @param dataEnd       where that value ends (exclusive); -1 if none
 */
public record IngressEvent(String id, String source, String type, String correlationId, Mode mode, byte[] value,
                           int dataStart, int dataEnd)
        implements SourceInput {

    /** An event whose {@code data} member, if any, is not located in the value. */
    public IngressEvent(String id, String source, String type, String correlationId, Mode mode, byte[] value) {
        this(id, source, type, correlationId, mode, value, -1, -1);
    }

    /** Whether the structured event's {@code data} member was located in the value. */
    public boolean hasDataRange() {
        return dataStart >= 0 && dataEnd > dataStart;
    }

    /** CloudEvents Kafka protocol binding content modes. */
    public enum Mode {
        /** The whole event is a JSON object in the record value. */
        STRUCTURED,
        /** Attributes in {@code ce_} headers, data in the value. */
        BINARY
    }

    public IngressEvent {
        requireText(id, "id");
        requireText(source, "source");
        requireText(type, "type");
        requireText(correlationId, "correlationId");
        if (mode == null || value == null) {
            throw new IllegalArgumentException("mode and value are required");
        }
    }

    private static void requireText(String text, String name) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
