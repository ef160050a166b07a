package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;
import org.junit.jupiter.api.Test;

/** A live breaker goes on only with the state and the settings it wrote through to; anything else rebuilds it. */
class LiveBreakerTest {
    private static final long T = 1_700_000_000_000L;
    private final EntityGuard guard = new EntityGuard(EntityType.TRIGGER, TopologyFixture.WINDOW, TopologyFixture.POLICY,
            "instance", new SchedulerMetrics(new SimpleMeterRegistry()));
    private final List<PauseRecord> changes = new ArrayList<>();

    private static BreakerSettings settings(int minimumCalls) {
        return new BreakerSettings(true, false, 50, BreakerSettings.WindowType.COUNT_BASED, 10, minimumCalls,
                Duration.ofSeconds(30), 2);
    }

    private void call(GuardState state, long at, BreakerSettings settings, boolean failure) {
        assertThat(guard.acquire("t", state, at, settings, "c", changes::add)).isTrue();
        guard.outcome("t", state, at, settings, failure, "c", changes::add);
    }

    @Test
    void shouldRebuildTheBreakerWhenTheEntitysSettingsChanged() {
        GuardState state = guard.fresh(T);
        BreakerSettings patient = settings(10);
        call(state, T, patient, true);
        call(state, T + 1, patient, true);
        call(state, T + 2, patient, false);
        assertThat(changes).as("fewer calls than the minimum of 10").isEmpty();
        // the trigger is redefined with a minimum of 4 calls: its fourth call decides, 2 failures of 4
        call(state, T + 3, settings(4), false);
        assertThat(changes).extracting(PauseRecord::reason).extracting(Enum::name).containsExactly("ERROR_RATE");
    }

    @Test
    void shouldRebuildTheBreakerWhenTheStateWasNotWrittenByIt() {
        BreakerSettings settings = settings(4);
        GuardState state = guard.fresh(T);
        call(state, T, settings, true);
        call(state, T + 1, settings, false);
        // the entity's state as another task left it (restored from its changelog): one success
        EntityGuard otherTask = new EntityGuard(EntityType.TRIGGER, TopologyFixture.WINDOW, TopologyFixture.POLICY,
                "instance", new SchedulerMetrics(new SimpleMeterRegistry()));
        GuardState restored = otherTask.fresh(T);
        otherTask.outcome("t", restored, T, settings, false, "c", change -> { });
        // its window is (S, F, F): 3 calls, under the minimum; the live breaker's would be (F, S, F, F) and open
        call(restored, T + 2, settings, true);
        call(restored, T + 3, settings, true);
        assertThat(changes).isEmpty();
        call(restored, T + 4, settings, true);
        assertThat(changes).extracting(PauseRecord::reason).extracting(Enum::name).containsExactly("ERROR_RATE");
    }
}
