package org.eventscheduler.topology.source;

import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;

/** What guards one source: its rate limit and its circuit breaker. */
public record SourcePolicy(RateLimit rateLimit, BreakerSettings breaker) {
}
