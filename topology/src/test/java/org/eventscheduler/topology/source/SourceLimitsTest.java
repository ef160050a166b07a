package org.eventscheduler.topology.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

class SourceLimitsTest {
    private static SourceLimitOverride exact(String source, long max) {
        return new SourceLimitOverride(Optional.of(source), Optional.empty(), max, LimitAction.THROTTLE);
    }

    private static SourceLimitOverride prefix(String prefix, long max) {
        return new SourceLimitOverride(Optional.empty(), Optional.of(prefix), max, LimitAction.SHADOW);
    }

    @Test
    void shouldPreferExactThenLongestPrefixThenDefault() {
        SourceLimits limits = new SourceLimits(new RateLimit(1000, LimitAction.PAUSE),
                List.of(prefix("batch/", 50), prefix("batch/nightly/", 20), exact("batch/nightly/big", 5)));
        assertThat(limits.limitFor("batch/nightly/big").maxEvents()).isEqualTo(5);
        assertThat(limits.limitFor("batch/nightly/small").maxEvents()).isEqualTo(20);
        assertThat(limits.limitFor("batch/hourly").maxEvents()).isEqualTo(50);
        assertThat(limits.limitFor("orders").maxEvents()).isEqualTo(1000);
        assertThat(limits.limitFor("orders").action()).isEqualTo(LimitAction.PAUSE);
    }

    @Test
    void shouldRejectAmbiguousOverrides() {
        assertThatThrownBy(() -> new SourceLimitOverride(Optional.of("a"), Optional.of("b"), 1, LimitAction.PAUSE))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("exactly one of source or source-prefix");
        assertThatThrownBy(() -> new SourceLimits(new RateLimit(1, LimitAction.PAUSE), List.of(exact("a", 1), exact("a", 2))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("listed twice");
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
