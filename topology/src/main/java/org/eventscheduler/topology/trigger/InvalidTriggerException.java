package org.eventscheduler.topology.trigger;

/** A trigger definition that cannot be used; names the trigger and the field. */
public final class InvalidTriggerException extends IllegalArgumentException {
    private final String triggerId;
    private final String field;
    private final String problem;

    public InvalidTriggerException(String triggerId, String field, String problem) {
        super("trigger " + triggerId + ": " + field + ": " + problem);
        this.triggerId = triggerId;
        this.field = field;
        this.problem = problem;
    }

    public String triggerId() {
        return triggerId;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
