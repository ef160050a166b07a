package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.GuardPolicy;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/**
 * What guards one trigger: its rate limit, its circuit breaker and the bounds of its held starts, its definition's where it gives
 * them, else the defaults. Looked up by {@link TriggerDefaults#policyOf}, the one lookup the trigger
 * stage and the admin API share.
 */
public record TriggerPolicy(RateLimit rateLimit, BreakerSettings breaker, HoldSettings hold) implements GuardPolicy {
}
