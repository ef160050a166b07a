package org.eventscheduler.topology.reject;

/**
 * Why a record was dead-lettered. The {@link #code()} is a stable contract: it is written
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
    /** An operator command on the control topic that cannot be read or is incomplete. */
    INVALID_CONTROL("invalid-control"),
    /** A workflow start result that cannot be read, or has an unknown status. */
    INVALID_START_RESULT("invalid-start-result"),
    /**
     * An admitted event lacks what a trigger it matched builds its input from (a {@code from: fields}
     * pointer that finds nothing): the event's fault, counted against its source's breaker.
     */
    TRIGGER_INPUT_UNAVAILABLE("trigger-input-unavailable"),
    /**
     * A trigger could not be evaluated on an event for a reason of its own (never for the event's
     * content): the trigger's fault, counted against the trigger's breaker.
     */
    TRIGGER_EVALUATION_FAILED("trigger-evaluation-failed"),
    /** A held record waited longer than its entity's {@code hold.max-age}. */
    HOLD_EXPIRED("hold-expired"),
    /** A held record was pushed out of its entity's full queue ({@code hold.max-records}), oldest first. */
    HOLD_OVERFLOW("hold-overflow"),
    /** A held record was discarded when its entity resumed ({@code hold.on-resume: discard}). */
    DISCARDED_ON_RESUME("discarded-on-resume"),
    /** An operator discarded the held records of an entity. */
    DISCARDED_BY_OPERATOR("discarded-by-operator"),
    /**
     * A record keyed by a source that held every record was held as that source's event (the
     * keyed-by-source contract), and when it came back its event named another source.
     */
    SOURCE_KEY_MISMATCH("source-key-mismatch"),
    /** An unexpected failure while processing an otherwise valid record. */
    PROCESSING_ERROR("processing-error");

    private final String code;

    InvalidReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
