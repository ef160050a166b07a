package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.eventscheduler.mirror.MirrorState;
import org.junit.jupiter.api.Test;

class MirrorWiringTest {

    @Test
    void shouldReportEveryMirrorStateAsTheStateOfTheSameCode() {
        for (MirrorState state : MirrorState.values()) {
            assertThat(MirrorWiring.state(state).code()).as(state.name()).isEqualTo(state.code());
        }
    }
}
