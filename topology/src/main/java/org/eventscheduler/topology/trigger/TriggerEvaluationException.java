package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.reject.InvalidReason;
import org.eventscheduler.topology.reject.RejectedRecordException;

/** A trigger failed on one event: its filter could not be evaluated or its input could not be built. */
public final class TriggerEvaluationException extends RejectedRecordException {
    public TriggerEvaluationException(String triggerId, String problem) {
        super(InvalidReason.TRIGGER_EVALUATION_FAILED, "trigger " + triggerId + ": " + problem);
    }
}
