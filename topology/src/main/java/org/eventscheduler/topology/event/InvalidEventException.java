package org.eventscheduler.topology.event;

import java.util.Optional;
import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;

/**
 * An ingress record that is not a valid CloudEvent. When its source could not be read it is thrown by
 * {@link CloudEventDeserializer} and dead-lettered by the deserialization handler; when it could, it
 * travels in a {@link RejectedEvent} to the source limiter (a failure for the source's breaker), which
 * throws it to the processing handler. Either way the DLQ record carries the reason code and whatever
 * of the correlation id and source could be read.
 */
public final class InvalidEventException extends RejectedRecordException {
    private final String correlationId;
    private final String source;

    InvalidEventException(InvalidReason reason, String detail, String correlationId, String source) {
        super(reason, detail);
        this.correlationId = correlationId;
        this.source = source;
    }

    InvalidEventException(InvalidReason reason, String detail, Throwable cause) {
        super(reason, detail, cause);
        this.correlationId = null;
        this.source = null;
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
