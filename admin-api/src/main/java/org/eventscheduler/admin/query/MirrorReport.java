package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.Optional;

/**
 * The Postgres mirror as one instance runs it.
 *
 * @param state        {@code starting}, {@code running}, {@code backing_off} (the database failed; consuming
 *                     stopped, nothing skipped), {@code stopped}, or {@code off} (not configured or run elsewhere)
 * @param lagRecords   records not yet mirrored in the partitions this instance mirrors
 * @param breakerState the breaker around the database: {@code closed}, {@code open}, {@code half_open}
 * @param lastError    the last database failure while backing off
 * @param lastCommit   when a batch was last written
 */
public record MirrorReport(String state, long lagRecords, String breakerState, Optional<String> lastError,
                           Optional<Instant> lastCommit) {

    public static MirrorReport off() {
        return new MirrorReport("off", 0, "closed", Optional.empty(), Optional.empty());
    }

    public boolean isBackingOff() {
        return state.equals("backing_off");
    }
}
