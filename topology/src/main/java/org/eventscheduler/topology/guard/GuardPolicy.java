package org.eventscheduler.topology.guard;

import org.eventscheduler.topology.hold.HoldSettings;

/** What guards one entity (a source, a trigger): its rate limit, its circuit breaker and the bounds of its held work. */
public interface GuardPolicy {
    RateLimit rateLimit();

    BreakerSettings breaker();

    HoldSettings hold();
}
