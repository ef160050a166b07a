package org.eventscheduler.topology.event;

import java.util.Optional;

/**
 * An ingress record that is not a valid CloudEvent. Thrown by {@link CloudEventDeserializer}; Kafka
 * Streams hands it to the deserialization exception handler, which dead-letters the record with the
 * reason code and whatever of the correlation id and source could be read before the failure.
 */
public final class InvalidEventException extends RuntimeException {
    private final InvalidReason reason;
    private final String correlationId;
    private final String source;

    InvalidEventException(InvalidReason reason, String detail, String correlationId, String source) {
        super(reason.code() + ": " + detail);
        this.reason = reason;
        this.correlationId = correlationId;
        this.source = source;
    }

    InvalidEventException(InvalidReason reason, String detail, Throwable cause) {
        super(reason.code() + ": " + detail, cause);
        this.reason = reason;
        this.correlationId = null;
        this.source = null;
    }

    public InvalidReason reason() {
        return reason;
    }

    /** The correlation id, when the record carried one that could be read. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** The event source, when it could be read. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }
}
