package org.eventscheduler.topology.source;

import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.GuardPolicy;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/** What guards one source: its rate limit, its circuit breaker and the bounds of its held events. */
public record SourcePolicy(RateLimit rateLimit, BreakerSettings breaker, HoldSettings hold) implements GuardPolicy {
}
