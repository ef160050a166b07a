package org.eventscheduler.topology.pause;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The value of a record in the compacted {@code scheduler.paused} changelog: the whole pause state of
 * one entity after a change, why it changed, and the figures behind it. Compaction keeps the last
 * record per entity, so the last record is always the complete current state. All times are record
 * times (event time), so the same input yields the same records.
 *
 * @param entityType    source or trigger
 * @param entityId      the source id or trigger id
 * @param state         PAUSED while at least one cause holds, else ACTIVE
 * @param causes        the causes that hold, after this change
 * @param shadowCauses  causes decided in shadow mode (recorded only, nothing held), after this change
 * @param reason        what changed
 * @param shadow        true when this change was a shadow decision: it did not change {@code state}
 * @param rate          the rate figures, for changes about the rate limit
 * @param breaker       the breaker figures, for changes about the circuit breaker
 * @param operator      who paused it and why, while an operator pause holds or when an operator acted
 * @param pausedAt      when the current (or last) pause began
 * @param resumeAt      the earliest automatic resume of a rate pause
 * @param resumedAt     when the entity became ACTIVE again
 * @param resumedBy     who resumed it: {@code scheduler} (automatic) or the operator
 * @param pauseCount    rate pauses in a row, which sets the cooldown
 * @param correlationId the correlation id of the event behind the change (for an automatic resume, of the pause)
 * @param instance      the application instance that decided
 */
public record PauseRecord(EntityType entityType, String entityId, PauseState state, List<PauseCause> causes,
                          List<PauseCause> shadowCauses, PauseReason reason, boolean shadow,
                          Optional<RateFigures> rate, Optional<BreakerFigures> breaker,
                          Optional<OperatorFigures> operator, Optional<Instant> pausedAt, Optional<Instant> resumeAt,
                          Optional<Instant> resumedAt, Optional<String> resumedBy, int pauseCount,
                          String correlationId, String instance) {

    /** The actor of automatic resumes. */
    public static final String SCHEDULER = "scheduler";

    public PauseRecord {
        causes = List.copyOf(causes);
        shadowCauses = List.copyOf(shadowCauses);
    }

    /** The key of this record in the changelog. */
    public String key() {
        return entityType.changelogKey(entityId);
    }

    /**
     * Events counted in the window against the limit.
     *
     * @param observed events in the window when the decision was made
     * @param limit    the limit in force (events per window)
     * @param window   the window
     */
    public record RateFigures(long observed, long limit, Duration window) {
    }

    /**
     * The breaker's figures when it changed state.
     *
     * @param state                CLOSED, OPEN or HALF_OPEN after the change
     * @param failureRate          percentage of failed calls in the window (-1 when not enough calls)
     * @param failureRateThreshold the threshold in force
     * @param window               the sliding window, e.g. {@code 100 calls} or {@code 60 s}
     * @param calls                calls in the window
     */
    public record BreakerFigures(String state, float failureRate, float failureRateThreshold, String window,
                                 int calls) {
    }

    /**
     * An operator's pause or resume.
     *
     * @param actor  who
     * @param reason why, in their words
     * @param until  when a pause ends by itself, if it does
     */
    public record OperatorFigures(String actor, String reason, Optional<Instant> until) {
    }
}
