package org.eventscheduler.topology.source;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rate limit of every source: an exact override, else the longest matching prefix override, else
 * the default.
 */
public final class SourceLimits {
    private final RateLimit defaultLimit;
    private final List<SourceLimitOverride> overrides;
    private final Map<String, RateLimit> exact = new HashMap<>();
    private final List<Map.Entry<String, RateLimit>> prefixesLongestFirst;

    public SourceLimits(@JsonProperty("default") RateLimit defaultLimit,
                        @JsonProperty("overrides") List<SourceLimitOverride> overrides) {
        require(defaultLimit != null, "default", "is required");
        this.defaultLimit = defaultLimit;
        this.overrides = overrides == null ? List.of() : List.copyOf(overrides);
        Map<String, RateLimit> prefixes = new HashMap<>();
        for (SourceLimitOverride override : this.overrides) {
            override.source().ifPresent(source ->
                    require(exact.put(source, override.limit()) == null, "overrides",
                            "source " + source + " is listed twice"));
            override.sourcePrefix().ifPresent(prefix ->
                    require(prefixes.put(prefix, override.limit()) == null, "overrides",
                            "source-prefix " + prefix + " is listed twice"));
        }
        this.prefixesLongestFirst = prefixes.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, RateLimit> e) -> e.getKey().length()).reversed())
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    @JsonProperty("default")
    public RateLimit defaultLimit() {
        return defaultLimit;
    }

    @JsonProperty("overrides")
    public List<SourceLimitOverride> overrides() {
        return overrides;
    }

    /** The limit that applies to {@code source}. */
    public RateLimit limitFor(String source) {
        RateLimit limit = exact.get(source);
        if (limit != null) {
            return limit;
        }
        for (Map.Entry<String, RateLimit> prefix : prefixesLongestFirst) {
            if (source.startsWith(prefix.getKey())) {
                return prefix.getValue();
            }
        }
        return defaultLimit;
    }
}
