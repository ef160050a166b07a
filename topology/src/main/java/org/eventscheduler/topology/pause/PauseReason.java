package org.eventscheduler.topology.pause;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a paused-changelog record was written: a stable code, also used as a metric label. */
public enum PauseReason {
    /** The entity stayed over its rate limit (or stormed past a multiple of it). */
    RATE_LIMIT_EXCEEDED("rate-limit-exceeded"),
    /** The cooldown passed and the rate is back under the resume threshold. */
    COOLDOWN_ELAPSED("cooldown-elapsed");

    private final String code;

    PauseReason(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }
}
