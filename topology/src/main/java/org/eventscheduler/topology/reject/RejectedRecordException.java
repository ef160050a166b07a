package org.eventscheduler.topology.reject;

/**
 * A record on one of the scheduler's inputs that cannot be used (an operator command, a start result,
 * a trigger definition). Kafka Streams routes it to the dead-letter handlers, which write it to the DLQ
 * with {@link #reason()}'s code. Invalid ingress events are the subclass {@link InvalidEventException}.
 */
public class RejectedRecordException extends RuntimeException {
    private final InvalidReason reason;

    public RejectedRecordException(InvalidReason reason, String detail) {
        super(reason.code() + ": " + detail);
        this.reason = reason;
    }

    protected RejectedRecordException(InvalidReason reason, String detail, Throwable cause) {
        super(reason.code() + ": " + detail, cause);
        this.reason = reason;
    }

    public InvalidReason reason() {
        return reason;
    }
}
