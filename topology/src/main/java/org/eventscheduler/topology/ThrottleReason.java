package org.eventscheduler.topology;

/**
 * Why a safeguard held a record back instead of letting it on. The {@link #code()} is the held record's
 * reason: in the audit notices on {@code scheduler.throttled}, in {@code scheduler.held-reason} when a
 * held record is dead-lettered, and in the {@code cause} label of {@code scheduler_released_total}.
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

    /** The reason whose {@link #code()} is {@code code}. */
    public static ThrottleReason fromCode(String code) {
        for (ThrottleReason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("no throttle reason " + code);
    }
}
