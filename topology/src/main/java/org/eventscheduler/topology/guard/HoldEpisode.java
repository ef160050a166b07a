package org.eventscheduler.topology.guard;

/**
 * What an entity held since it last held nothing: when it began, why, and what became of the records,
 * for the audit notices on {@code scheduler.throttled}. Part of {@link GuardState}.
 */
final class HoldEpisode {
    long since = GuardState.NEVER;
    String reason = "";
    String correlationId = "";
    long held;
    long released;
    long expired;
    long overflowed;
    long discarded;

    boolean isOpen() {
        return since != GuardState.NEVER;
    }

    void begin(long at, String why, String correlation) {
        since = at;
        reason = why;
        correlationId = correlation;
        held = 0;
        released = 0;
        expired = 0;
        overflowed = 0;
        discarded = 0;
    }

    void end() {
        since = GuardState.NEVER;
        reason = "";
        correlationId = "";
    }
}
