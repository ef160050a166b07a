package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A shared trigger's matches wait in several source tasks: the held list shows the trigger once, added up. */
class HeldEntityTest {
    private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void shouldAddUpWhatTheSameEntityHoldsInTwoPlaces() {
        HeldEntity inOneTask = new HeldEntity("trigger", "t", "ACTIVE", 3, 0, Optional.of(T.plusSeconds(5)),
                Optional.of(T.plusSeconds(9)));
        HeldEntity inAnother = new HeldEntity("trigger", "t", "PAUSED", 4, 1, Optional.of(T), Optional.empty());

        HeldEntity both = inOneTask.with(inAnother);

        assertThat(both).isEqualTo(new HeldEntity("trigger", "t", "PAUSED", 7, 1, Optional.of(T),
                Optional.of(T.plusSeconds(9))));
        assertThat(inAnother.with(inOneTask)).as("in either order").isEqualTo(both);
    }
}
