package org.eventscheduler.topology.source;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.Optional;
import org.eventscheduler.topology.guard.BreakerOverride;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldOverride;

/**
 * Settings for one source ({@code source}) or for every source whose id starts with a prefix
 * ({@code source-prefix}), exactly one of the two: its own rate limit, and breaker settings laid over
 * the default breaker, and hold settings laid over the default hold.
 */
public record SourceOverride(Optional<String> source, Optional<String> sourcePrefix, Optional<RateLimit> rateLimit,
                             Optional<BreakerOverride> breaker, Optional<HoldOverride> hold) {
    /** An override without its own hold settings. */
    public SourceOverride(Optional<String> source, Optional<String> sourcePrefix, Optional<RateLimit> rateLimit,
                          Optional<BreakerOverride> breaker) {
        this(source, sourcePrefix, rateLimit, breaker, Optional.empty());
    }

    public SourceOverride {
        source = source == null ? Optional.empty() : source;
        sourcePrefix = sourcePrefix == null ? Optional.empty() : sourcePrefix;
        rateLimit = rateLimit == null ? Optional.empty() : rateLimit;
        breaker = breaker == null ? Optional.empty() : breaker;
        hold = hold == null ? Optional.empty() : hold;
        require(source.isPresent() != sourcePrefix.isPresent(), "source",
                "give exactly one of source or source-prefix");
        require(source.map(s -> !s.isEmpty()).orElse(true), "source", "must not be empty");
        require(sourcePrefix.map(s -> !s.isEmpty()).orElse(true), "source-prefix", "must not be empty");
        require(rateLimit.isPresent() || breaker.isPresent() || hold.isPresent(), "rate-limit",
                "give a rate-limit, a breaker, a hold, or any of them");
    }
}
