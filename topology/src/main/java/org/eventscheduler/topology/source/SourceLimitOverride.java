package org.eventscheduler.topology.source;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import java.util.Optional;

/**
 * A rate limit for one source ({@code source}) or for every source whose id starts with a prefix
 * ({@code source-prefix}); exactly one of the two is given.
 */
public record SourceLimitOverride(Optional<String> source, Optional<String> sourcePrefix, long maxEvents,
                                  LimitAction action) {
    public SourceLimitOverride {
        source = source == null ? Optional.empty() : source;
        sourcePrefix = sourcePrefix == null ? Optional.empty() : sourcePrefix;
        require(source.isPresent() != sourcePrefix.isPresent(), "source",
                "give exactly one of source or source-prefix");
        require(source.map(s -> !s.isEmpty()).orElse(true), "source", "must not be empty");
        require(sourcePrefix.map(s -> !s.isEmpty()).orElse(true), "source-prefix", "must not be empty");
        new RateLimit(maxEvents, action);
    }

    public RateLimit limit() {
        return new RateLimit(maxEvents, action);
    }
}
