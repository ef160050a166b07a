package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonValue;

/** What changed, in a paused-changelog record: a stable code, also used as a metric label. */
public enum PauseReason {
    /** The entity stayed over its rate limit (or stormed past a multiple of it). */
    RATE_LIMIT_EXCEEDED("rate-limit-exceeded"),
    /** The rate cooldown passed and the rate is back under the resume threshold. */
    COOLDOWN_ELAPSED("cooldown-elapsed"),
    /** The circuit breaker opened: the error rate crossed its threshold. */
    ERROR_RATE("error-rate"),
    /** The circuit breaker closed again after its probes succeeded. */
    BREAKER_CLOSED("breaker-closed"),
    /** An operator paused the entity. */
    OPERATOR_PAUSE("operator-pause"),
    /** An operator resumed the entity (every cause is cleared). */
    OPERATOR_RESUME("operator-resume"),
    /** An operator pause reached its {@code until}. */
    OPERATOR_UNTIL_ELAPSED("operator-until-elapsed");

    private final String code;

    PauseReason(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }
}
