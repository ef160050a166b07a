package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {
    private static final SchedulerMetrics METRICS = new SchedulerMetrics(new SimpleMeterRegistry());

    @Test
    void shouldNeverIdleForEmptyInputPartitionsByDefault() {
        var props = SchedulerRunner.streamsProperties(ConfigLoader.load(Optional.empty(), Map.of()), METRICS);
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void shouldLetClientPropertiesChooseTaskIdling() {
        var props = SchedulerRunner.streamsProperties(ConfigLoader.load(Optional.empty(),
                Map.of("SCHEDULER_KAFKA__CLIENT_PROPERTIES", "{\"max.task.idle.ms\": \"0\"}")), METRICS);
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("0");
    }

    @Test
    void shouldGiveEveryRocksDbStoreTheSchedulersOptions() {
        var props = SchedulerRunner.streamsProperties(ConfigLoader.load(Optional.empty(), Map.of()), METRICS);
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(RocksDbStoreOptions.class);
    }
}
