package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.junit.jupiter.api.Test;

/**
 * A breaker's state is only what the store holds: writing it to bytes (as the changelog does) and
 * reading it into a new guard (a new instance after a restart or rebalance) continues the same story:
 * still open, still paused, probes after the same wait, closed by the same results.
 */
class BreakerRestoreTest {
    private static final BreakerSettings BREAKER = TopologyFixture.BREAKER;
    private static final RateLimit LIMIT = new RateLimit(1000, LimitAction.PAUSE);

    private static EntityGuard newGuard() {
        return new EntityGuard(EntityType.TRIGGER, TopologyFixture.WINDOW, TopologyFixture.POLICY, "instance",
                new SchedulerMetrics(new SimpleMeterRegistry()));
    }

    private static GuardState restart(GuardState state) {
        return new GuardStateSerde(TopologyFixture.WINDOW).read(GuardStateSerde.write(state));
    }

    @Test
    void shouldStayOpenAndResumeOnScheduleAfterARestart() {
        EntityGuard guard = newGuard();
        List<PauseRecord> changes = new ArrayList<>();
        GuardState state = guard.fresh(0);
        for (int i = 0; i < 10; i++) {
            assertThat(guard.arrive("t", state, i, LIMIT, BREAKER, "c" + i, changes::add)).isEqualTo(EntityGuard.Verdict.ADMIT);
        }
        for (int i = 0; i < 10; i++) {
            guard.outcome("t", state, 1000 + i, BREAKER, true, "c" + i, changes::add);
        }
        assertThat(changes).extracting(PauseRecord::reason).containsExactly(PauseReason.ERROR_RATE);
        changes.clear();

        GuardState restored = restart(state);
        EntityGuard after = newGuard();
        assertThat(restored.isPaused()).isTrue();
        assertThat(after.arrive("t", restored, Duration.ofSeconds(20).toMillis(), LIMIT, BREAKER, "x", changes::add))
                .as("still open 20 s in").isEqualTo(EntityGuard.Verdict.HOLD_PAUSED);
        long openUntil = 1009 + BREAKER.waitInOpenState().toMillis();
        assertThat(after.arrive("t", restored, openUntil, LIMIT, BREAKER, "x", changes::add))
                .as("the last millisecond of the wait").isEqualTo(EntityGuard.Verdict.HOLD_PAUSED);
        long probeTime = openUntil + 1;
        assertThat(after.arrive("t", restored, probeTime, LIMIT, BREAKER, "p1", changes::add))
                .as("the wait ends: a probe").isEqualTo(EntityGuard.Verdict.ADMIT);

        // restart again in the middle of the half-open state: the probe handed out is remembered
        GuardState halfOpen = restart(restored);
        EntityGuard third = newGuard();
        assertThat(third.arrive("t", halfOpen, probeTime + 1, LIMIT, BREAKER, "p2", changes::add)).isEqualTo(EntityGuard.Verdict.ADMIT);
        assertThat(third.arrive("t", halfOpen, probeTime + 2, LIMIT, BREAKER, "p3", changes::add)).isEqualTo(EntityGuard.Verdict.ADMIT);
        assertThat(third.arrive("t", halfOpen, probeTime + 3, LIMIT, BREAKER, "p4", changes::add))
                .as("only 3 probes").isEqualTo(EntityGuard.Verdict.HOLD_PAUSED);
        for (int i = 0; i < 3; i++) {
            third.outcome("t", halfOpen, probeTime + 10 + i, BREAKER, false, "p" + i, changes::add);
        }
        assertThat(changes).extracting(PauseRecord::reason).containsExactly(PauseReason.BREAKER_CLOSED);
        assertThat(halfOpen.isPaused()).isFalse();
    }

    @Test
    void shouldKeepTheFailuresOfAClosedBreakerAcrossARestart() {
        EntityGuard guard = newGuard();
        List<PauseRecord> changes = new ArrayList<>();
        GuardState state = guard.fresh(0);
        for (int i = 0; i < 9; i++) {
            guard.outcome("t", state, i, BREAKER, true, "c", changes::add);
        }
        assertThat(changes).isEmpty();
        GuardState restored = restart(state);
        newGuard().outcome("t", restored, 10, BREAKER, true, "c10", changes::add);
        assertThat(changes).as("the tenth failure after the restart opens it: the first nine were kept")
                .extracting(PauseRecord::reason).containsExactly(PauseReason.ERROR_RATE);
    }

    @Test
    void shouldRestoreATimeBasedWindow() {
        BreakerSettings timeBased = new BreakerSettings(true, false, 50, BreakerSettings.WindowType.TIME_BASED, 10, 4,
                Duration.ofSeconds(30), 2);
        EntityGuard guard = newGuard();
        List<PauseRecord> changes = new ArrayList<>();
        GuardState state = guard.fresh(0);
        guard.outcome("t", state, 1_000, timeBased, true, "a", changes::add);
        guard.outcome("t", state, 2_000, timeBased, true, "b", changes::add);
        guard.outcome("t", state, 3_000, timeBased, false, "c", changes::add);
        GuardState restored = restart(state);
        newGuard().outcome("t", restored, 4_000, timeBased, true, "d", changes::add);
        assertThat(changes).extracting(PauseRecord::reason).containsExactly(PauseReason.ERROR_RATE);
        assertThat(changes.getFirst().breaker().orElseThrow().failureRate()).isEqualTo(75f);

        GuardState late = restart(guard.fresh(0));
        EntityGuard fresh = newGuard();
        List<PauseRecord> none = new ArrayList<>();
        fresh.outcome("t", late, 1_000, timeBased, true, "a", none::add);
        fresh.outcome("t", late, 2_000, timeBased, true, "b", none::add);
        fresh.outcome("t", late, 3_000, timeBased, true, "c", none::add);
        GuardState afterWindow = restart(late);
        fresh.outcome("t", afterWindow, 20_000, timeBased, true, "d", none::add);
        assertThat(none).as("older failures left the 10 s window").isEmpty();
    }
}
