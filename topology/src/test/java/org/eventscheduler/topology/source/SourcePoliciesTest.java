package org.eventscheduler.topology.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.eventscheduler.topology.guard.BreakerOverride;
import org.eventscheduler.topology.guard.LimitAction;
import org.eventscheduler.topology.guard.PausePolicy;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.guard.RateWindow;
import org.junit.jupiter.api.Test;

class SourcePoliciesTest {
    private static SourceOverride exact(String source, long max) {
        return new SourceOverride(Optional.of(source), Optional.empty(),
                Optional.of(new RateLimit(max, LimitAction.THROTTLE)), Optional.empty());
    }

    private static SourceOverride prefix(String prefix, long max) {
        return new SourceOverride(Optional.empty(), Optional.of(prefix),
                Optional.of(new RateLimit(max, LimitAction.SHADOW)), Optional.empty());
    }

    private static SourcePolicies policies(List<SourceOverride> overrides) {
        return new SourcePolicies(new RateLimit(1000, LimitAction.PAUSE), TopologyFixture.BREAKER, overrides);
    }

    @Test
    void shouldPreferExactThenLongestPrefixThenDefault() {
        SourcePolicies policies = policies(List.of(prefix("batch/", 50), prefix("batch/nightly/", 20),
                exact("batch/nightly/big", 5)));
        assertThat(policies.policyFor("batch/nightly/big").rateLimit().maxEvents()).isEqualTo(5);
        assertThat(policies.policyFor("batch/nightly/small").rateLimit().maxEvents()).isEqualTo(20);
        assertThat(policies.policyFor("batch/hourly").rateLimit().maxEvents()).isEqualTo(50);
        assertThat(policies.policyFor("orders").rateLimit().maxEvents()).isEqualTo(1000);
        assertThat(policies.policyFor("orders").rateLimit().action()).isEqualTo(LimitAction.PAUSE);
        assertThat(policies.policyFor("b").rateLimit().maxEvents()).as("shorter than every prefix").isEqualTo(1000);
    }

    @Test
    void shouldLayBreakerOverridesOverTheDefaultBreaker() {
        BreakerOverride stricter = new BreakerOverride(null, null, Optional.of(10f), null, null, Optional.of(5), null, null);
        SourcePolicies policies = policies(List.of(new SourceOverride(Optional.of("legacy"), Optional.empty(),
                Optional.empty(), Optional.of(stricter))));
        SourcePolicy legacy = policies.policyFor("legacy");
        assertThat(legacy.breaker().failureRateThreshold()).isEqualTo(10f);
        assertThat(legacy.breaker().minimumNumberOfCalls()).isEqualTo(5);
        assertThat(legacy.breaker().slidingWindowSize()).as("kept from the default").isEqualTo(20);
        assertThat(legacy.rateLimit().maxEvents()).as("no rate override: the default").isEqualTo(1000);
    }

    @Test
    void shouldRejectAmbiguousOverrides() {
        assertThatThrownBy(() -> new SourceOverride(Optional.of("a"), Optional.of("b"),
                Optional.of(new RateLimit(1, LimitAction.PAUSE)), Optional.empty()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("exactly one of source or source-prefix");
        assertThatThrownBy(() -> policies(List.of(exact("a", 1), exact("a", 2))))
                .isInstanceOf(InvalidConfigException.class).hasMessage("overrides[1]: source a is listed twice");
        assertThatThrownBy(() -> new RateLimit(0, LimitAction.PAUSE))
                .isInstanceOf(InvalidConfigException.class).hasMessage("max-events: must be a positive number of events, was 0");
        assertThatThrownBy(() -> LimitAction.fromConfig("drop"))
                .isInstanceOf(InvalidConfigException.class).hasMessage("action: must be one of throttle, pause, shadow, was drop");
    }

    @Test
    void shouldComputeCooldownAndResumeThreshold() {
        PausePolicy policy = new PausePolicy(3, 2.0, Duration.ofSeconds(60), 2.0, Duration.ofMinutes(5), 0.8,
                Duration.ofHours(1));
        assertThat(policy.cooldownFor(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.cooldownFor(3)).isEqualTo(Duration.ofSeconds(240));
        assertThat(policy.cooldownFor(4)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.resumeThreshold(new RateLimit(1000, LimitAction.PAUSE))).isEqualTo(800);
        assertThat(policy.isStorm(1999, new RateLimit(1000, LimitAction.PAUSE))).isFalse();
        assertThat(policy.isStorm(2000, new RateLimit(1000, LimitAction.PAUSE))).isTrue();
    }

    @Test
    void shouldRejectWindowThatIsNotWholeBuckets() {
        assertThatThrownBy(() -> new RateWindow(Duration.ofMillis(10_500), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("size: must be a whole number of buckets");
    }
}
