package org.eventscheduler.topology.guard;

import java.time.Duration;
import java.util.Optional;

/** Some of a breaker's settings, laid over the defaults: what a trigger definition or a source override gives. */
public record BreakerOverride(Optional<Boolean> enabled, Optional<Boolean> shadow, Optional<Float> failureRateThreshold,
                              Optional<BreakerSettings.WindowType> slidingWindowType,
                              Optional<Integer> slidingWindowSize, Optional<Integer> minimumNumberOfCalls,
                              Optional<Duration> waitInOpenState, Optional<Integer> permittedCallsInHalfOpen) {
    public BreakerOverride {
        enabled = orEmpty(enabled);
        shadow = orEmpty(shadow);
        failureRateThreshold = orEmpty(failureRateThreshold);
        slidingWindowType = orEmpty(slidingWindowType);
        slidingWindowSize = orEmpty(slidingWindowSize);
        minimumNumberOfCalls = orEmpty(minimumNumberOfCalls);
        waitInOpenState = orEmpty(waitInOpenState);
        permittedCallsInHalfOpen = orEmpty(permittedCallsInHalfOpen);
    }

    public static BreakerOverride none() {
        return new BreakerOverride(null, null, null, null, null, null, null, null);
    }

    /** The defaults with this override's keys in their place; validated. */
    public BreakerSettings applyTo(BreakerSettings defaults) {
        return new BreakerSettings(enabled.orElse(defaults.enabled()), shadow.orElse(defaults.shadow()),
                failureRateThreshold.orElse(defaults.failureRateThreshold()),
                slidingWindowType.orElse(defaults.slidingWindowType()),
                slidingWindowSize.orElse(defaults.slidingWindowSize()),
                minimumNumberOfCalls.orElse(defaults.minimumNumberOfCalls()),
                waitInOpenState.orElse(defaults.waitInOpenState()),
                permittedCallsInHalfOpen.orElse(defaults.permittedCallsInHalfOpen()));
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}
