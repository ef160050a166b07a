package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eventscheduler.app.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class TriggerPublisherPropertiesTest {

    @Test
    void shouldKeepOneRequestInFlightSoThatARetriedFirstBatchIsNeverOvertaken() {
        var props = TriggerPublisher.producerProperties(ConfigLoader.load(Optional.empty(), Map.of()), Duration.ofSeconds(30));
        assertThat(props.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isEqualTo(1);
        assertThat(props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
        assertThat(props.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(30_000);
    }
}
