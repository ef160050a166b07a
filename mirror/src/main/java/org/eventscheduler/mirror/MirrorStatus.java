package org.eventscheduler.mirror;

import java.time.Instant;
import java.util.Optional;

/**
 * The mirror's state as this process sees it.
 *
 * @param lagRecords   records of the changelog and DLQ partitions this process mirrors that are not yet in the database
 * @param breakerState the database breaker: {@code closed}, {@code open} or {@code half_open}
 * @param lastError    the last database failure, while backing off
 * @param lastCommit   when a batch was last committed
 */
public record MirrorStatus(MirrorState state, long lagRecords, String breakerState, Optional<String> lastError,
                           Optional<Instant> lastCommit) {

    public static MirrorStatus off() {
        return new MirrorStatus(MirrorState.OFF, 0, "closed", Optional.empty(), Optional.empty());
    }
}
