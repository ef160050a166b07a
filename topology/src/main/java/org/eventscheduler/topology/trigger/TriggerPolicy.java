package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;

/**
 * What guards one trigger: its rate limit and its circuit breaker, its definition's where it gives
 * them, else the defaults. Looked up by {@link TriggerDefaults#policyOf}, the one lookup the trigger
 * stage and the admin API share.
 */
public record TriggerPolicy(RateLimit rateLimit, BreakerSettings breaker) {
}
