package org.eventscheduler.topology.guard;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

/**
 * What every guard runs on, whatever it guards: sources and triggers count over the same window and
 * pause and resume by the same policy. What differs per entity (its rate limit, its breaker) is the
 * entity's policy, not part of this.
 *
 * @param window     the sliding window rates are counted over
 * @param policy     when to pause and resume after a rate pause
 * @param instanceId written into changelog records to say which instance decided
 */
public record GuardTiming(RateWindow window, PausePolicy policy, String instanceId) {
    public GuardTiming {
        require(window != null, "rate-window", "is required");
        require(policy != null, "pause-policy", "is required");
        require(instanceId != null && !instanceId.isBlank(), "instance-id", "is required");
    }
}
