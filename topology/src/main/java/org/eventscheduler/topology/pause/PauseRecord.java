package org.eventscheduler.topology.pause;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The value of a record in the compacted {@code scheduler.paused} changelog: the state an entity
 * entered, why, and the figures behind the decision. All times are record times (event time), so the
 * same input yields the same records.
 *
 * @param entityType    source or trigger
 * @param entityId      the source id or trigger id
 * @param state         PAUSED or ACTIVE
 * @param shadow        true when the decision was recorded only (action {@code shadow}): nothing was held
 * @param reason        why the state changed
 * @param observedRate  events counted in the window when the decision was made
 * @param limit         the limit in force (events per window)
 * @param window        the window the rate is counted over
 * @param pausedAt      when the (current or last) pause began
 * @param resumeAt      the earliest automatic resume, while paused
 * @param resumedAt     when the entity resumed, for ACTIVE records
 * @param resumedBy     who resumed it ({@code scheduler} for an automatic resume)
 * @param pauseCount    pauses in a row, which sets the cooldown
 * @param correlationId the correlation id of the event that tripped the pause
 * @param instance      the application instance that decided
 */
public record PauseRecord(EntityType entityType, String entityId, PauseState state, boolean shadow,
                          PauseReason reason, long observedRate, long limit, Duration window,
                          Optional<Instant> pausedAt, Optional<Instant> resumeAt, Optional<Instant> resumedAt,
                          Optional<String> resumedBy, int pauseCount, String correlationId, String instance) {

    /** The actor of automatic resumes. */
    public static final String SCHEDULER = "scheduler";

    /** The key of this record in the changelog. */
    public String key() {
        return entityType.changelogKey(entityId);
    }
}
