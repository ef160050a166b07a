package org.eventscheduler.topology.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.eventscheduler.topology.TopologyFixture;
import org.eventscheduler.topology.pause.PauseCause;
import org.junit.jupiter.api.Test;

class GuardStateSerdeTest {
    private final GuardStateSerde serde = new GuardStateSerde(TopologyFixture.WINDOW);

    @Test
    void shouldGiveTheStateItLastWroteForItsOwnBytesWithoutDecodingThem() {
        GuardState state = GuardState.fresh(0, TopologyFixture.WINDOW.buckets());
        byte[] bytes = GuardStateSerde.write(state);
        assertThat(serde.read(bytes)).isSameAs(state);
        assertThat(serde.read(bytes.clone())).as("other bytes are decoded").isNotSameAs(state);
    }

    @Test
    void shouldDecodeTheStoredBytesOnceTheLastWrittenStateIsForgotten() {
        GuardState state = GuardState.fresh(0, TopologyFixture.WINDOW.buckets());
        byte[] bytes = GuardStateSerde.write(state);
        // a change that throws before its state is written again
        state.trip(PauseCause.OPERATOR, false, 5, "c");
        GuardStateSerde.forgetLastWritten();
        GuardState read = serde.read(bytes);
        assertThat(read).isNotSameAs(state);
        assertThat(read.isPaused()).as("the stored state, not the half-changed one").isFalse();
    }
}
