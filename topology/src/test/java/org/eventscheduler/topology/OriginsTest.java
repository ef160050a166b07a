package org.eventscheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OriginsTest {
    private static String origin(String topic, int partition, long offset) {
        return new String(Origins.of(topic, partition, offset), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTopicPartitionAndOffset() {
        assertThat(origin("events.ingress", 3, 0)).isEqualTo("events.ingress-3@0");
        assertThat(origin("events.ingress", 3, 1_234_567_890_123L)).isEqualTo("events.ingress-3@1234567890123");
        assertThat(origin("events.ingress", 2, 10)).as("another partition").isEqualTo("events.ingress-2@10");
        assertThat(origin("other", 2, 99)).as("another topic").isEqualTo("other-2@99");
        assertThat(origin("other", 2, Long.MAX_VALUE)).isEqualTo("other-2@" + Long.MAX_VALUE);
    }
}
