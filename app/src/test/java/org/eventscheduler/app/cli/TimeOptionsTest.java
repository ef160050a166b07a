package org.eventscheduler.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code --until} and {@code --since}: a duration or an instant, and an error that names the option given. */
class TimeOptionsTest {

    @Test
    void shouldReadDurationsForwardForUntilAndBackwardForSince() {
        Instant now = Instant.now();
        assertThat(OperatorCommands.untilInstant("30m")).isBetween(now.plus(Duration.ofMinutes(29)), now.plus(Duration.ofMinutes(31)));
        assertThat(OperatorCommands.sinceInstant("1h")).isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(OperatorCommands.sinceInstant("2026-11-28T14:00:00Z")).isEqualTo(Instant.parse("2026-11-28T14:00:00Z"));
    }

    @Test
    void shouldNameTheOptionThatWasWrong() {
        assertThatThrownBy(() -> OperatorCommands.sinceInstant("yesterday"))
                .hasMessage("--since must be a duration (30m) or an instant (2026-11-28T14:00:00Z), was yesterday");
        assertThatThrownBy(() -> OperatorCommands.untilInstant("soon"))
                .hasMessage("--until must be a duration (30m) or an instant (2026-11-28T14:00:00Z), was soon");
    }
}
