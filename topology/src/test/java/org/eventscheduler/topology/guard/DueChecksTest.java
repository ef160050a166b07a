package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DueChecksTest {

    @Test
    void shouldHandOutOnlyWhatIsDueOldestFirstAndOnlyOnce() {
        DueChecks checks = new DueChecks();
        checks.move("late", EntityGuard.NOT_PAUSED, 3_000);
        checks.move("early", EntityGuard.NOT_PAUSED, 1_000);
        checks.move("by-record-only", EntityGuard.NOT_PAUSED, Long.MAX_VALUE);
        checks.move("resumed", EntityGuard.NOT_PAUSED, 2_000);
        checks.move("resumed", 2_000, EntityGuard.NOT_PAUSED);

        assertThat(checks.takeDueBy(2_500)).containsExactly("early");
        assertThat(checks.takeDueBy(2_500)).as("taken out until saved again").isEmpty();
        checks.move("early", 1_000, 5_000);
        assertThat(checks.takeDueBy(Long.MAX_VALUE - 1)).containsExactly("late", "early");
    }
}
