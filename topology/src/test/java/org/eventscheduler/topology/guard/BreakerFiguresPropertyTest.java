package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A property of every breaker decision, checked on seeded random runs (each failure names its seed
 * and step, so it can be replayed): the guard, which keeps the entity's resilience4j breaker live while
 * the state it loads for every call is its own, and rebuilds it from the stored state after a restart
 * (a new guard over the serialized bytes) or an eviction (another entity's breaker taking the one live
 * place), both at random points, opens and closes
 * exactly when one uninterrupted resilience4j breaker fed the same calls does, and reports exactly
 * that breaker's failure rate and call count. At every opening the reported rate is at least the
 * threshold.
 *
 * <p>Random runs vary the window (type, size, minimum calls), the threshold, the wait and the probes;
 * the outcomes come in phases of different failure probabilities, so that breakers open, probe, close
 * and open again; the record time moves on by random steps.
 */
class BreakerFiguresPropertyTest {
    private static final int RUNS = 250;
    private static final int STEPS = 600;
    private static final RuntimeException FAILED = new RuntimeException("failed call");

    /** A transition with its figures, as reported. */
    private record Reported(int step, String to, float failureRate, int calls) {
    }

    @ParameterizedTest
    @EnumSource(BreakerSettings.WindowType.class)
    void reportedFiguresAreResilience4jsOwnAtEveryTransition(BreakerSettings.WindowType type) {
        int openings = 0;
        for (int run = 0; run < RUNS; run++) {
            long seed = 7919L * run + type.ordinal();
            openings += checkRun(seed, type);
        }
        assertThat(openings).as("the runs must open breakers to check anything").isGreaterThan(RUNS);
    }

    private static int checkRun(long seed, BreakerSettings.WindowType type) {
        Random random = new Random(seed);
        BreakerSettings settings = randomSettings(random, type);
        String run = "seed " + seed + " " + settings;

        // the same configuration, on a clock of its own: one breaker that is never rebuilt
        RecordClock referenceClock = new RecordClock();
        CircuitBreaker reference = CircuitBreaker.of("reference", Breaker.config(settings, referenceClock));
        List<Reported> expected = new ArrayList<>();
        CircuitBreaker.Metrics[] deciding = new CircuitBreaker.Metrics[1];
        int[] step = new int[1];
        reference.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.CLOSED) {
                expected.add(new Reported(step[0], to.name(), deciding[0].getFailureRate(),
                        deciding[0].getNumberOfBufferedCalls()));
            }
        });

        // one breaker kept live: another entity's breaker evicts this one's
        EntityGuard guard = newGuard();
        GuardState other = guard.fresh(1_700_000_000_000L);
        GuardStateSerde serde = new GuardStateSerde(TopologyFixture.WINDOW);
        List<Reported> reported = new ArrayList<>();
        long time = 1_700_000_000_000L;
        GuardState state = guard.fresh(time);
        double failureProbability = 0;
        for (step[0] = 0; step[0] < STEPS; step[0]++) {
            if (step[0] % 40 == 0) {
                failureProbability = new double[] {0, 0.1, 0.3, 0.5, 0.7, 1.0}[random.nextInt(6)];
            }
            time += nextStep(random, settings);
            referenceClock.set(time);

            int index = step[0];
            deciding[0] = reference.getMetrics();
            boolean expectedPermit = reference.tryAcquirePermission();
            boolean permitted = guard.acquire("t", state, time, settings, "c" + index,
                    change -> reported.add(reportedOf(index, change)));
            assertThat(permitted).as("%s: permission at step %d", run, index).isEqualTo(expectedPermit);
            if (permitted) {
                boolean failure = random.nextDouble() < failureProbability;
                deciding[0] = reference.getMetrics();
                if (failure) {
                    reference.onError(0, java.util.concurrent.TimeUnit.MILLISECONDS, FAILED);
                } else {
                    reference.onSuccess(0, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                guard.outcome("t", state, time, settings, failure, "c" + index,
                        change -> reported.add(reportedOf(index, change)));
            }
            switch (random.nextInt(12)) {
                // the stage loads the state anew for every record: the live breaker goes on with the copy
                case 0, 1, 2 -> state = serde.read(GuardStateSerde.write(state));
                // a restart: a new task, its breakers rebuilt from the stored state
                case 3 -> {
                    state = serde.read(GuardStateSerde.write(state));
                    guard = newGuard();
                }
                // another entity's breaker takes the one live place: this one is rebuilt at its next call
                case 4 -> guard.outcome("other", other, time, settings, true, "o" + index, change -> { });
                default -> {
                }
            }
            assertThat(reported).as("%s: transitions up to step %d", run, index).isEqualTo(expected);
        }
        int openings = 0;
        for (Reported transition : reported) {
            if (transition.to().equals("OPEN")) {
                openings++;
                assertThat(transition.failureRate()).as("%s: rate at opening", run)
                        .isGreaterThanOrEqualTo(settings.failureRateThreshold());
            }
        }
        return openings;
    }

    private static EntityGuard newGuard() {
        return new EntityGuard(EntityType.TRIGGER, TopologyFixture.WINDOW, TopologyFixture.POLICY, "instance",
                new SchedulerMetrics(new SimpleMeterRegistry()), 1);
    }

    private static Reported reportedOf(int step, PauseRecord change) {
        assertThat(change.reason()).isIn(PauseReason.ERROR_RATE, PauseReason.BREAKER_CLOSED);
        PauseRecord.BreakerFigures figures = change.breaker().orElseThrow();
        return new Reported(step, figures.state(), figures.failureRate(), figures.calls());
    }

    private static BreakerSettings randomSettings(Random random, BreakerSettings.WindowType type) {
        int size = type == BreakerSettings.WindowType.COUNT_BASED ? 2 + random.nextInt(40) : 1 + random.nextInt(12);
        int minimum = 1 + random.nextInt(type == BreakerSettings.WindowType.COUNT_BASED ? size : 30);
        float threshold = new float[] {10, 25, 33.3f, 50, 66, 80, 100}[random.nextInt(7)];
        return new BreakerSettings(true, false, threshold, type, size, minimum,
                Duration.ofMillis(500 + random.nextInt(5000)), 1 + random.nextInt(5));
    }

    /** Mostly small steps (several calls a second), sometimes none, sometimes long gaps. */
    private static long nextStep(Random random, BreakerSettings settings) {
        int pick = random.nextInt(20);
        if (pick == 0) {
            return 0;
        }
        if (pick == 1) {
            return random.nextInt(20_000);
        }
        return random.nextInt(400);
    }
}
