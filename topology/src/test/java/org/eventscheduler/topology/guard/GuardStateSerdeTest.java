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

    @Test
    void shouldRememberTheStatesOfManyEntitiesInterleaved() {
        int buckets = TopologyFixture.WINDOW.buckets();
        GuardState[] states = new GuardState[100];
        byte[][] written = new byte[100][];
        for (int i = 0; i < states.length; i++) {
            states[i] = GuardState.fresh(0, buckets);
            written[i] = GuardStateSerde.write(states[i]);
        }
        for (int i = 0; i < states.length; i++) {
            assertThat(serde.read(written[i])).as("entity %d, read back among a hundred", i).isSameAs(states[i]);
        }
    }

    @Test
    void shouldHandAStateOutOnceSinceItsReaderMayChangeIt() {
        GuardState state = GuardState.fresh(0, TopologyFixture.WINDOW.buckets());
        byte[] bytes = GuardStateSerde.write(state);
        assertThat(serde.read(bytes)).isSameAs(state);
        // read, and changed without being written (a change that threw, a look that only reads)
        state.trip(PauseCause.OPERATOR, false, 5, "c");
        GuardState again = serde.read(bytes);
        assertThat(again).isNotSameAs(state);
        assertThat(again.isPaused()).as("what the bytes say").isFalse();
    }

    @Test
    void shouldForgetTheOldestOfWhatItRemembers() {
        int buckets = TopologyFixture.WINDOW.buckets();
        GuardState first = GuardState.fresh(0, buckets);
        byte[] bytes = GuardStateSerde.write(first);
        for (int i = 0; i < GuardStateSerde.REMEMBERED; i++) {
            GuardStateSerde.write(GuardState.fresh(0, buckets));
        }
        assertThat(serde.read(bytes)).as("pushed out: decoded").isNotSameAs(first);
    }
}
