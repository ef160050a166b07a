package org.eventscheduler.topology.event;

/**
 * Why an ingress record was dead-lettered. The {@link #code()} is a stable contract: it is written
 * to the {@code scheduler.reason} header of every DLQ record and used as a metric label.
 */
public enum InvalidReason {
    /** The value is larger than {@code ingress.max-event-bytes}. */
    OVERSIZE("oversize"),
    /** The bytes are not text: not valid UTF-8 (value of a structured event, or a {@code ce_} header). */
    UNDECODABLE("undecodable"),
    /** Not a JSON document, or a structured event that is not a JSON object. */
    INVALID_JSON("invalid-json"),
    /** A required CloudEvents attribute (specversion, id, source, type) is absent or empty. */
    MISSING_ATTRIBUTE("missing-attribute"),
    /** An attribute of the wrong type or format (e.g. specversion other than 1.0, time not RFC 3339). */
    INVALID_ATTRIBUTE("invalid-attribute"),
    /** An unexpected failure while processing an otherwise valid event. */
    PROCESSING_ERROR("processing-error");

    private final String code;

    InvalidReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
