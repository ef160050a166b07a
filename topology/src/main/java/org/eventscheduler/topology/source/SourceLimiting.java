package org.eventscheduler.topology.source;

import org.eventscheduler.topology.guard.PausePolicy;
import org.eventscheduler.topology.guard.RateWindow;

/**
 * Everything the source limiter is configured with.
 *
 * @param window     the sliding window rates are counted over
 * @param policies   each source's rate limit and breaker
 * @param policy     when to pause and resume after a rate pause
 * @param instanceId written into changelog records to say which instance decided
 */
public record SourceLimiting(RateWindow window, SourcePolicies policies, PausePolicy policy, String instanceId) {
}
