package org.eventscheduler.topology.reject;

/**
 * A record on one of the scheduler's inputs that cannot be used (an operator command, a start result,
 * a trigger definition). Kafka Streams routes it to the dead-letter handlers, which write it to the DLQ
 * with {@link #reason()}'s code. Invalid ingress events are the subclass {@link InvalidEventException}.
 */
public class RejectedRecordException extends RuntimeException {
    private final InvalidReason reason;

    public RejectedRecordException(InvalidReason reason, String detail) {
        this(reason, detail, null);
    }

    /**
     * Without a stack trace: a rejected record is expected input, not a fault of this code, and the place
     * it was rejected says nothing its reason and message do not (a storm's invalid events made filling
     * in and writing the trace the largest cost of their dead letters).
     */
    protected RejectedRecordException(InvalidReason reason, String detail, Throwable cause) {
        super(reason.code() + ": " + detail, cause, false, false);
        this.reason = reason;
    }

    public InvalidReason reason() {
        return reason;
    }
}
