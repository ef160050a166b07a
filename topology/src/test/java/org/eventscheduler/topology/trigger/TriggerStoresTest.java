package org.eventscheduler.topology.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.StateStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.TopologyFixture;
import org.junit.jupiter.api.Test;

/**
 * Where each guard's state lives: one entry per trigger in memory (bounded by the definitions), one
 * entry per source in RocksDB (bounded memory, any number of sources); all of them changelogged.
 */
class TriggerStoresTest {
    @Test
    void shouldKeepTriggerStatesInMemoryAndSourceStatesInRocksDb() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults()) {
            for (String name : new String[] {StoreNames.TRIGGER_STATES, StoreNames.PAUSED_TRIGGERS,
                    StoreNames.PINNED_TRIGGER_STATES, StoreNames.PAUSED_PINNED_TRIGGERS, StoreNames.PINNED_TRIGGER_HOMES}) {
                StateStore store = fixture.driver.getKeyValueStore(name);
                assertThat(store.persistent()).as(name + " is in memory").isFalse();
            }
            for (String name : new String[] {StoreNames.SOURCE_STATES, StoreNames.PAUSED_SOURCES}) {
                assertThat(fixture.driver.getKeyValueStore(name).persistent()).as(name + " is in RocksDB").isTrue();
            }
        }
    }

    @Test
    void shouldChangelogTriggerStatesOfBothHomesSoThatTheySurviveARestart() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults()) {
            fixture.defineTrigger("fulfil",
                    "{\"id\":\"fulfil\",\"source\":\"orders\",\"type\":\"com.example.order.created\",\"workflow\":\"w\"}",
                    Duration.ZERO);
            fixture.defineTrigger("audit",
                    "{\"id\":\"audit\",\"source-prefix\":\"ord\",\"type\":\"com.example.order.created\",\"workflow\":\"w\"}",
                    Duration.ZERO);
            fixture.send("e-1", "orders", Duration.ofMillis(1));
            fixture.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(fixture.driver.producedTopicNames()).as("the pinned trigger's state and home, the shared one's state")
                    .contains("topology-test-" + StoreNames.PINNED_TRIGGER_STATES + "-changelog",
                            "topology-test-" + StoreNames.PINNED_TRIGGER_HOMES + "-changelog",
                            "topology-test-" + StoreNames.TRIGGER_STATES + "-changelog");
        }
    }
}
