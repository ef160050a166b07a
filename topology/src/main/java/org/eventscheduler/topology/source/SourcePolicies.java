package org.eventscheduler.topology.source;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/**
 * The policy of every source: an exact override, else the longest matching prefix override, else the
 * defaults. Overrides are resolved once, at construction; a lookup costs one map get per distinct
 * prefix length, whatever the number of overrides.
 */
public final class SourcePolicies {
    private final RateLimit rateLimit;
    private final BreakerSettings breaker;
    private final HoldSettings hold;
    private final List<SourceOverride> overrides;
    private final SourcePolicy defaults;
    private final Map<String, SourcePolicy> exact = new HashMap<>();
    private final Map<String, SourcePolicy> prefixes = new HashMap<>();
    private final int[] prefixLengthsLongestFirst;

    /** Policies with the shipped hold settings. */
    public SourcePolicies(RateLimit rateLimit, BreakerSettings breaker, List<SourceOverride> overrides) {
        this(rateLimit, breaker, HoldSettings.DEFAULTS, overrides);
    }

    @JsonCreator
    public SourcePolicies(@JsonProperty("rate-limit") RateLimit rateLimit,
                          @JsonProperty("breaker") BreakerSettings breaker,
                          @JsonProperty("hold") HoldSettings hold,
                          @JsonProperty("overrides") List<SourceOverride> overrides) {
        require(rateLimit != null, "rate-limit", "is required");
        require(breaker != null, "breaker", "is required");
        this.rateLimit = rateLimit;
        this.breaker = breaker;
        this.hold = hold == null ? HoldSettings.DEFAULTS : hold;
        this.overrides = overrides == null ? List.of() : List.copyOf(overrides);
        this.defaults = new SourcePolicy(rateLimit, breaker, this.hold);
        TreeSet<Integer> lengths = new TreeSet<>(Comparator.reverseOrder());
        for (int i = 0; i < this.overrides.size(); i++) {
            SourceOverride override = this.overrides.get(i);
            String where = "overrides[" + i + "]";
            HoldSettings sourceHold;
            try {
                sourceHold = override.hold().map(h -> h.applyTo(this.hold)).orElse(this.hold);
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException(where + ".hold." + e.key(), e.problem());
            }
            SourcePolicy policy = new SourcePolicy(override.rateLimit().orElse(rateLimit),
                    override.breaker().map(b -> b.applyTo(breaker)).orElse(breaker), sourceHold);
            override.source().ifPresent(source ->
                    require(exact.put(source, policy) == null, where, "source " + source + " is listed twice"));
            override.sourcePrefix().ifPresent(prefix -> {
                require(prefixes.put(prefix, policy) == null, where, "source-prefix " + prefix + " is listed twice");
                lengths.add(prefix.length());
            });
        }
        this.prefixLengthsLongestFirst = lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    @JsonProperty("rate-limit")
    public RateLimit rateLimit() {
        return rateLimit;
    }

    @JsonProperty("breaker")
    public BreakerSettings breaker() {
        return breaker;
    }

    @JsonProperty("hold")
    public HoldSettings hold() {
        return hold;
    }

    @JsonProperty("overrides")
    public List<SourceOverride> overrides() {
        return overrides;
    }

    /** The policy that applies to {@code source}. */
    public SourcePolicy policyFor(String source) {
        SourcePolicy policy = exact.get(source);
        if (policy != null) {
            return policy;
        }
        for (int length : prefixLengthsLongestFirst) {
            if (length <= source.length()) {
                policy = prefixes.get(source.substring(0, length));
                if (policy != null) {
                    return policy;
                }
            }
        }
        return defaults;
    }
}
