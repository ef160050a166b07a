package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
    private static final HealthThresholds THRESHOLDS = new HealthThresholds(
            new HealthThresholds.Level(30, 300), new HealthThresholds.Level(10, 100), new HealthThresholds.Level(1, 25),
            0.8, Duration.ofSeconds(2), 100, 10_000);

    private final HealthEvaluator evaluator = new HealthEvaluator(THRESHOLDS);

    private HealthStatus lag(double seconds) {
        return evaluator.evaluate(seconds, 0, 0, List.of(), List.of()).status();
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
        HealthEvaluator.Evaluation evaluation = evaluator.evaluate(301, 12, 30, List.of("instance b:8080: no answer"),
                List.of());
        assertThat(evaluation.status()).isEqualTo(HealthStatus.CRITICAL);
        assertThat(evaluation.reasons()).containsExactly(
                "ingress lag 301.0s >= critical threshold 300.0s",
                "dead-lettered 12.0/min >= degraded threshold 10.0/min",
                "paused entities 30.0 >= critical threshold 25.0",
                "instance b:8080: no answer");
    }

    @Test
    void shouldBeDegradedWhenSomethingIsMissingAndCriticalWhenNothingRuns() {
        assertThat(evaluator.evaluate(0, 0, 0, List.of("ingress lag: no answer"), List.of()).status())
                .isEqualTo(HealthStatus.DEGRADED);
        assertThat(evaluator.evaluate(0, 0, 0, List.of(), List.of("no instance is RUNNING")).status())
                .isEqualTo(HealthStatus.CRITICAL);
    }
}
