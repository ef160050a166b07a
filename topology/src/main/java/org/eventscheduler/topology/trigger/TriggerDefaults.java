package org.eventscheduler.topology.trigger;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.Optional;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/**
 * What a trigger gets when its definition says nothing: the rate limit and the breaker settings.
 *
 * @param rateLimit the default per-trigger rate limit
 * @param breaker   the default breaker, which a definition's {@code breaker} keys override
 * @param hold      the default bounds of held starts, which a definition's {@code hold} keys override
 */
public record TriggerDefaults(RateLimit rateLimit, BreakerSettings breaker, HoldSettings hold) {
    public TriggerDefaults {
        require(rateLimit != null, "rate-limit", "is required");
        require(breaker != null, "breaker", "is required");
        require(hold != null, "hold", "is required");
    }

    /** Defaults with the shipped hold settings. */
    public TriggerDefaults(RateLimit rateLimit, BreakerSettings breaker) {
        this(rateLimit, breaker, HoldSettings.DEFAULTS);
    }

    /**
     * The policy of a trigger: its own when it is defined and valid (its definition's limits, these
     * defaults for what it leaves out), else these defaults. The one answer to "what guards this
     * trigger", for the trigger stage and the admin API alike.
     */
    public TriggerPolicy policyOf(Optional<Trigger> trigger) {
        return trigger.isPresent() ? trigger.get().policy() : new TriggerPolicy(rateLimit, breaker, hold);
    }
}
