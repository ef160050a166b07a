package org.eventscheduler.topology.source;

/**
 * Everything the source limiter is configured with.
 *
 * @param window     the sliding window rates are counted over
 * @param limits     each source's limit
 * @param policy     when to pause and resume
 * @param instanceId written into changelog records to say which instance decided
 */
public record SourceLimiting(RateWindow window, SourceLimits limits, PausePolicy policy, String instanceId) {
}
