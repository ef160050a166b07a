package org.eventscheduler.topology.guard;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.time.Duration;

/**
 * When an entity over its rate limit (a source, or a trigger: both use the same policy) is paused, and
 * when it resumes.
 *
 * <p>Pause: an entity whose action is {@code pause} (or {@code shadow}) is paused when its windowed
 * count has been over the limit in {@code afterConsecutiveBuckets} consecutive buckets, or at once
 * when the count reaches {@code stormMultiple} times the limit.
 *
 * <p>Resume: not before the cooldown has passed, and only once the windowed count is at most
 * {@code resumeBelowRatio} of the limit, so an entity sitting at its limit does not flap. The cooldown
 * is {@code cooldown * cooldownMultiplier^(n-1)} for the n-th pause in a row, capped at
 * {@code maxCooldown}; the count of pauses starts again after {@code pauseCountResetAfter} without one.
 */
public record PausePolicy(int afterConsecutiveBuckets, double stormMultiple, Duration cooldown,
                          double cooldownMultiplier, Duration maxCooldown, double resumeBelowRatio,
                          Duration pauseCountResetAfter) {
    public PausePolicy {
        require(afterConsecutiveBuckets >= 1, "after-consecutive-buckets", "must be at least 1");
        require(stormMultiple > 1.0, "storm-multiple", "must be greater than 1.0, was " + stormMultiple);
        require(cooldown != null && !cooldown.isNegative() && !cooldown.isZero(), "cooldown",
                "must be a positive duration");
        require(cooldownMultiplier >= 1.0, "cooldown-multiplier", "must be at least 1.0, was " + cooldownMultiplier);
        require(maxCooldown != null && maxCooldown.compareTo(cooldown) >= 0, "max-cooldown",
                "must be at least the cooldown (" + cooldown + ")");
        require(resumeBelowRatio > 0.0 && resumeBelowRatio <= 1.0, "resume-below-ratio",
                "must be in (0, 1], was " + resumeBelowRatio);
        require(pauseCountResetAfter != null && !pauseCountResetAfter.isNegative(), "pause-count-reset-after",
                "must be a duration");
    }

    /** The cooldown of the {@code pauseCount}-th pause in a row (1-based). */
    public Duration cooldownFor(int pauseCount) {
        double factor = Math.pow(cooldownMultiplier, Math.max(0, pauseCount - 1));
        double millis = cooldown.toMillis() * factor;
        return millis >= maxCooldown.toMillis() ? maxCooldown : Duration.ofMillis((long) millis);
    }

    /** The windowed count at or below which a paused entity with this limit may resume. */
    public long resumeThreshold(RateLimit limit) {
        return (long) Math.floor(limit.maxEvents() * resumeBelowRatio);
    }

    /** Whether a windowed count is a storm that pauses at once. */
    public boolean isStorm(long count, RateLimit limit) {
        return count >= stormMultiple * limit.maxEvents();
    }
}
