package org.eventscheduler.mirror;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The mirror's meters, registered whether or not the mirror runs here (its state is then {@code off}),
 * so that dashboards and the metrics catalogue see the same series on every instance.
 */
public final class MirrorMetrics {
    private static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");

    /** What the mirror counts per record written. */
    public enum Kind {
        PAUSE_CHANGE, DEAD_LETTER, TOMBSTONE, UNREADABLE
    }

    private final Map<Kind, Counter> records = new EnumMap<>(Kind.class);
    private final Counter committed;
    private final Counter failed;
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();

    public MirrorMetrics(MeterRegistry registry, Supplier<MirrorStatus> status) {
        // resilience4j's own meters of the mirror's database breaker and retry (resilience4j_circuitbreaker_*,
        // resilience4j_retry_*), following whichever breaker and retry the running mirror uses
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        Gauge.builder("scheduler.mirror.lag", () -> status.get().lagRecords())
                .baseUnit("records")
                .description("changelog and DLQ records not yet in the database, in the partitions this instance mirrors")
                .register(registry);
        for (MirrorState state : MirrorState.values()) {
            Gauge.builder("scheduler.mirror.state", () -> status.get().state() == state ? 1 : 0)
                    .tag("state", state.code())
                    .description("1 for the mirror's current state in this instance")
                    .register(registry);
        }
        for (String breakerState : BREAKER_STATES) {
            Gauge.builder("scheduler.mirror.breaker.state", () -> status.get().breakerState().equals(breakerState) ? 1 : 0)
                    .tag("state", breakerState)
                    .description("1 for the current state of the circuit breaker around the mirror's database")
                    .register(registry);
        }
        for (Kind kind : Kind.values()) {
            records.put(kind, Counter.builder("scheduler.mirror.records")
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .baseUnit("records")
                    .description("records the mirror has written to the database (unreadable: logged and passed)")
                    .register(registry));
        }
        committed = Counter.builder("scheduler.mirror.batches").tag("outcome", "committed")
                .description("database transactions of the mirror, by outcome").register(registry);
        failed = Counter.builder("scheduler.mirror.batches").tag("outcome", "failed")
                .description("database transactions of the mirror, by outcome").register(registry);
    }

    /** A new breaker named {@code name}, replacing (and unbinding) the one a previous mirror in this process used. */
    CircuitBreaker breaker(String name, CircuitBreakerConfig config) {
        breakers.remove(name);
        return breakers.circuitBreaker(name, config);
    }

    /** A new retry named {@code name}, replacing the one a previous mirror in this process used. */
    Retry retry(String name, RetryConfig config) {
        retries.remove(name);
        return retries.retry(name, config);
    }

    void written(Kind kind, long count) {
        records.get(kind).increment(count);
    }

    void committed() {
        committed.increment();
    }

    void failed() {
        failed.increment();
    }
}
