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
 */
public record IngressEvent(String id, String source, String type, String correlationId, Mode mode, byte[] value)
        implements SourceInput {

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
