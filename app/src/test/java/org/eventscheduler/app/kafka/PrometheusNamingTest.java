package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eventscheduler.app.it.Polling;
import org.eventscheduler.topology.metrics.PrometheusNaming;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PrometheusNamingTest {
    private final PrometheusMeterRegistry registry = PrometheusNaming.applyTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

    @Test
    void shouldExportALibraryGaugeEndingInCountAsCurrentWhileTheMeterKeepsItsName() {
        AtomicInteger connections = new AtomicInteger(3);
        Gauge.builder("kafka.producer.connection.count", connections, AtomicInteger::get).register(registry);

        assertThat(registry.find("kafka.producer.connection.count").gauge())
                .as("the binder finds its meter by its own name, so it does not register it again").isNotNull();
        assertThat(registry.scrape()).contains("kafka_producer_connection_current 3.0")
                .contains("# HELP kafka_producer_connection_current kafka producer connection current")
                .doesNotContain("kafka_producer_connection_count");
    }

    @Test
    void shouldLeaveTheSchedulersOwnMetersAndCountersAlone() {
        Gauge.builder("scheduler.held.count", () -> 1).description("held").register(registry);
        registry.counter("kafka.consumer.fetch.count").increment();
        assertThat(registry.scrape()).contains("scheduler_held_count 1.0").contains("kafka_consumer_fetch_count_total 1.0");
    }

    @Test
    void shouldDropLibraryMetersInSubSecondUnits() {
        registry.counter("kafka.producer.io.time.ns.total").increment();
        assertThat(registry.scrape()).doesNotContain("time_ns");
    }

    @Test
    void shouldLetTheKafkaBinderRefreshWithoutRegisteringAMeterTwice() throws Exception {
        Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Level level = micrometer.getLevel();
        micrometer.setLevel(Level.DEBUG);
        micrometer.addAppender(logged);
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1", ProducerConfig.CLIENT_ID_CONFIG, "naming-test"),
                new ByteArraySerializer(), new ByteArraySerializer());
             KafkaClientMetrics metrics = new KafkaClientMetrics(producer, List.of(), refresher, Duration.ofMillis(50))) {
            metrics.bindTo(registry);
            int bound = registry.getMeters().size();
            // the producer tries its bootstrap server: per-node metrics appear, and the binder's refresh binds
            // the new set, looking every meter up by its name first
            Polling.await("the producer's node metrics bound by a refresh", Duration.ofSeconds(20),
                    () -> registry.getMeters().size() > bound);
            assertThat(registry.find("kafka.producer.connection.count").gauge()).isNotNull();
        } finally {
            refresher.shutdownNow();
            micrometer.detachAppender(logged);
            micrometer.setLevel(level);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("already registered"));
    }
}
