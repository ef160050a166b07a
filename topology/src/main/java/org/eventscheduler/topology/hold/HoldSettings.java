package org.eventscheduler.topology.hold;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;

/**
 * How long and how much of an entity's work may be held back, and what a resume does with it.
 *
 * @param maxAge     a record held longer goes to the dead-letter topic, reason {@code hold-expired}
 * @param maxRecords records held per entity at most; one more pushes the oldest out to the dead-letter
 *                   topic, reason {@code hold-overflow}
 * @param onResume   what the entity's resume does with what it holds
 */
public record HoldSettings(Duration maxAge, int maxRecords, OnResume onResume) {
    /** The shipped defaults: one hour, 100,000 records, released on resume. */
    public static final HoldSettings DEFAULTS = new HoldSettings(Duration.ofHours(1), 100_000, OnResume.RELEASE);

    public HoldSettings {
        require(maxAge != null && maxAge.toMillis() > 0, "max-age", "must be a positive duration, was " + maxAge);
        require(maxRecords > 0, "max-records", "must be a positive number of records, was " + maxRecords);
        require(onResume != null, "on-resume", "is required (release, discard or keep)");
    }
}
