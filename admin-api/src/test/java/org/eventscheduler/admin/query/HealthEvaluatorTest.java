package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
    private static final HealthThresholds THRESHOLDS = new HealthThresholds(
            new HealthThresholds.Level(30, 300), new HealthThresholds.Level(10, 100), new HealthThresholds.Level(1, 25),
            0.8, Duration.ofSeconds(2), 100, 10_000,
                HealthThresholds.HELD_RECORDS, HealthThresholds.HELD_AGE_SECONDS);

    private final HealthEvaluator evaluator = new HealthEvaluator(THRESHOLDS);

    private HealthStatus lag(double seconds) {
        return evaluator.evaluate(measured(seconds, 0, 0, 0, 0), List.of(), List.of()).status();
    }

    private static HealthEvaluator.Measured measured(double lagSeconds, double dlqPerMinute, long paused, long held,
                                                     double heldAgeSeconds) {
        return new HealthEvaluator.Measured(lagSeconds, dlqPerMinute, paused, held, heldAgeSeconds);
    }

    private HealthStatus heldFor(double seconds) {
        return evaluator.evaluate(measured(0, 0, 0, 1, seconds), List.of(), List.of()).status();
    }

    @Test
    void shouldFlipOnHowLongTheOldestHeldRecordHasWaited() {
        assertThat(heldFor(899)).isEqualTo(HealthStatus.OK);
        assertThat(heldFor(900)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(heldFor(2700)).isEqualTo(HealthStatus.CRITICAL);
        assertThat(heldFor(2200)).as("not yet below 80 % of 2700 s").isEqualTo(HealthStatus.CRITICAL);
        assertThat(heldFor(0)).as("drained").isEqualTo(HealthStatus.OK);
        assertThat(evaluator.evaluate(measured(0, 0, 0, 100_000, 1), List.of(), List.of()).status())
                .as("a queue of 100,000").isEqualTo(HealthStatus.CRITICAL);
    }

    @Test
    void shouldFlipToCriticalAtTheThresholdAndBackOnlyPastTheHysteresis() {
        assertThat(lag(10)).isEqualTo(HealthStatus.OK);
        assertThat(lag(29.9)).isEqualTo(HealthStatus.OK);
        assertThat(lag(30)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(lag(299)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(lag(300)).isEqualTo(HealthStatus.CRITICAL);
        // below the critical threshold, but not below 80 % of it: stays CRITICAL
        assertThat(lag(290)).isEqualTo(HealthStatus.CRITICAL);
        assertThat(lag(240)).isEqualTo(HealthStatus.CRITICAL);
        // below 240 s: down to what the value says now
        assertThat(lag(239)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(lag(25)).as("below degraded, not below 80 % of it").isEqualTo(HealthStatus.DEGRADED);
        assertThat(lag(23.9)).isEqualTo(HealthStatus.OK);
    }

    @Test
    void shouldGoStraightDownWhenTheValueFallsFarEnough() {
        assertThat(lag(400)).isEqualTo(HealthStatus.CRITICAL);
        assertThat(lag(1)).isEqualTo(HealthStatus.OK);
    }

    @Test
    void shouldNameEveryReason() {
        HealthEvaluator.Evaluation evaluation = evaluator.evaluate(measured(301, 12, 30, 20_000, 2_800), List.of("instance b:8080: no answer"),
                List.of());
        assertThat(evaluation.status()).isEqualTo(HealthStatus.CRITICAL);
        assertThat(evaluation.reasons()).containsExactly(
                "ingress lag 301.0s >= critical threshold 300.0s",
                "dead-lettered 12.0/min >= degraded threshold 10.0/min",
                "paused entities 30.0 >= critical threshold 25.0",
                "held records 20000.0 >= degraded threshold 10000.0",
                "oldest held record 2800.0s >= critical threshold 2700.0s",
                "instance b:8080: no answer");
    }

    @Test
    void shouldBeDegradedWhenSomethingIsMissingAndCriticalWhenNothingRuns() {
        assertThat(evaluator.evaluate(measured(0, 0, 0, 0, 0), List.of("ingress lag: no answer"), List.of()).status())
                .isEqualTo(HealthStatus.DEGRADED);
        assertThat(evaluator.evaluate(measured(0, 0, 0, 0, 0), List.of(), List.of("no instance is RUNNING")).status())
                .isEqualTo(HealthStatus.CRITICAL);
    }
}
