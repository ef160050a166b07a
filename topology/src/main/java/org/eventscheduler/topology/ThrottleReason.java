package org.eventscheduler.topology;

/**
 * Why a record went to the throttle topic instead of onwards. The {@link #code()} is written to the
 * {@code scheduler.reason} header; a consumer replaying the throttle topic can select by it.
 */
public enum ThrottleReason {
    /** The source is over its rate limit (action {@code throttle}, or {@code pause} before the pause trips). */
    RATE_LIMITED("rate-limited"),
    /** The source is paused; every event of it is held until it resumes. */
    SOURCE_PAUSED("source-paused"),
    /** The trigger is over its rate limit: the workflow start is held. */
    TRIGGER_RATE_LIMITED("trigger-rate-limited"),
    /** The trigger is paused (rate, breaker or operator): the workflow start is held. */
    TRIGGER_PAUSED("trigger-paused");

    private final String code;

    ThrottleReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
