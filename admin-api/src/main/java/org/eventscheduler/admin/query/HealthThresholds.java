package org.eventscheduler.admin.query;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;

/**
 * What makes the cluster DEGRADED or CRITICAL, and how the status recovers.
 *
 * @param lagSeconds      the ingress lag in seconds (the oldest unprocessed record's age)
 * @param dlqPerMinute    records dead-lettered per minute, averaged over the last 5 minutes
 * @param pausedEntities  paused sources and triggers
 * @param recoveryRatio   hysteresis: a level clears only once its value is below this fraction of the
 *                        threshold that raised it, so the status does not flap around a threshold
 * @param timeout         the longest a health request waits for peers and the cluster
 * @param pausedListLimit the most paused entities listed (the total is always given)
 * @param mirrorLagRecords at or above this many records not yet in PostgreSQL, the mirror makes the
 *                        status DEGRADED (never CRITICAL: the mirror is for investigation, events flow without it)
 * @param heldRecords     records held back by the cluster's sources and triggers
 * @param heldAgeSeconds  how long the oldest held record has waited
 */
public record HealthThresholds(Level lagSeconds, Level dlqPerMinute, Level pausedEntities, double recoveryRatio,
                               Duration timeout, int pausedListLimit, long mirrorLagRecords, Level heldRecords,
                               Level heldAgeSeconds) {

    /** The shipped thresholds of held work: DEGRADED from 10,000 records or 15 minutes, CRITICAL from 100,000 or 45. */
    public static final Level HELD_RECORDS = new Level(10_000, 100_000);
    public static final Level HELD_AGE_SECONDS = new Level(900, 2700);


    /**
     * Thresholds of one value.
     *
     * @param degraded at or above it: DEGRADED
     * @param critical at or above it: CRITICAL
     */
    public record Level(double degraded, double critical) {
        public Level {
            require(degraded >= 0, "degraded", "must not be negative");
            require(critical >= degraded, "critical", "must be at least degraded (" + degraded + ")");
        }
    }

    public HealthThresholds {
        require(lagSeconds != null, "lag-seconds", "is required");
        require(dlqPerMinute != null, "dlq-per-minute", "is required");
        require(pausedEntities != null, "paused-entities", "is required");
        require(recoveryRatio > 0 && recoveryRatio <= 1, "recovery-ratio", "must be in (0, 1], was " + recoveryRatio);
        require(timeout != null && timeout.toMillis() > 0, "timeout", "must be a positive duration");
        require(pausedListLimit >= 0, "paused-list-limit", "must not be negative");
        require(mirrorLagRecords >= 1, "mirror-lag-records", "must be at least 1");
        require(heldRecords != null, "held-records", "is required");
        require(heldAgeSeconds != null, "held-age-seconds", "is required");
    }
}
