package org.eventscheduler.topology.guard;

import static org.eventscheduler.topology.config.InvalidConfigException.require;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Locale;
import org.eventscheduler.topology.config.InvalidConfigException;

/**
 * A circuit breaker's configuration: resilience4j's own knobs, plus whether it is on and whether it
 * only records (shadow).
 *
 * @param enabled                   whether failures of the entity are tracked at all
 * @param shadow                    record transitions (changelog, log, metrics) without pausing anything
 * @param failureRateThreshold      percentage of failed calls in the window that opens the breaker
 * @param slidingWindowType         {@code count-based} (the last N calls) or {@code time-based} (the last N seconds)
 * @param slidingWindowSize         N: calls or seconds
 * @param minimumNumberOfCalls      calls needed in the window before the failure rate counts
 * @param waitInOpenState           how long the breaker stays open before letting probes through
 * @param permittedCallsInHalfOpen  probes let through in the half-open state
 */
public record BreakerSettings(boolean enabled, boolean shadow, float failureRateThreshold, WindowType slidingWindowType,
                              int slidingWindowSize, int minimumNumberOfCalls, Duration waitInOpenState,
                              int permittedCallsInHalfOpen) {

    /** resilience4j's sliding window types, as configured. */
    public enum WindowType {
        COUNT_BASED, TIME_BASED;

        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static WindowType fromConfig(String name) {
            for (WindowType type : values()) {
                if (type.configName().equals(name)) {
                    return type;
                }
            }
            throw new InvalidConfigException("sliding-window-type", "must be count-based or time-based, was " + name);
        }
    }

    /** Time-based windows are kept as one bucket per second; this bounds their size. */
    public static final int MAX_WINDOW_SECONDS = 3600;
    /** Count-based windows are kept as one bit per call; this bounds their size. */
    public static final int MAX_WINDOW_CALLS = 10_000;

    public BreakerSettings {
        require(failureRateThreshold > 0 && failureRateThreshold <= 100, "failure-rate-threshold",
                "must be a percentage in (0, 100], was " + failureRateThreshold);
        require(slidingWindowType != null, "sliding-window-type", "is required (count-based or time-based)");
        require(slidingWindowSize >= 1, "sliding-window-size", "must be at least 1, was " + slidingWindowSize);
        require(slidingWindowSize <= (slidingWindowType == WindowType.TIME_BASED ? MAX_WINDOW_SECONDS : MAX_WINDOW_CALLS),
                "sliding-window-size", "is too large for a " + slidingWindowType.configName() + " window: "
                        + slidingWindowSize);
        require(minimumNumberOfCalls >= 1, "minimum-number-of-calls", "must be at least 1, was " + minimumNumberOfCalls);
        require(waitInOpenState != null && waitInOpenState.toMillis() > 0, "wait-in-open-state",
                "must be a positive duration");
        require(permittedCallsInHalfOpen >= 1, "permitted-calls-in-half-open",
                "must be at least 1, was " + permittedCallsInHalfOpen);
    }

    /** A human-readable window, as written in pause records: {@code 100 calls} or {@code 60 s}. */
    public String windowDescription() {
        return slidingWindowType == WindowType.COUNT_BASED ? slidingWindowSize + " calls" : slidingWindowSize + " s";
    }
}
