package org.eventscheduler.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eventscheduler.app.config.DemoSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's upstream services: several well-behaved sources, one source that storms in bursts
 * (30 s on, 90 s off, so its pause and its resume can both be watched), and a trickle of malformed
 * events of every kind. Events are CloudEvents in structured mode, keyed by source.
 */
public final class DemoTraffic implements AutoCloseable {
    public static final String STORM_SOURCE = "clickstream-firehose";
    static final long STORM_ON_SECONDS = 30;
    static final long STORM_CYCLE_SECONDS = 120;
    private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);
    private static final List<String> CALM_SOURCES = List.of("orders-service", "billing-service",
            "inventory-service", "shipping-service", "crm-service", "search-service", "auth-service",
            "notifications-service");
    private static final Map<String, String> TYPES = Map.of(
            "orders-service", "com.example.order.created",
            "billing-service", "com.example.invoice.requested",
            "inventory-service", "com.example.stock.low",
            "shipping-service", "com.example.parcel.shipped",
            STORM_SOURCE, "com.example.page.viewed");

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "demo-traffic");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sequence = new AtomicLong();
    private final long startedAt = System.currentTimeMillis();

    public DemoTraffic(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "demo-traffic");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public static List<String> calmSources(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> i < CALM_SOURCES.size() ? CALM_SOURCES.get(i) : "service-" + i)
                .toList();
    }

    /** Starts sending; runs until {@link #close()}. */
    public void start(DemoSettings settings) {
        List<String> calm = calmSources(settings.calmSources());
        int calmTotal = settings.calmEventsPerSecond() * calm.size();
        if (calmTotal > 0) {
            long periodMicros = 1_000_000L / calmTotal;
            scheduler.scheduleAtFixedRate(() -> send(calm.get((int) (sequence.get() % calm.size()))),
                    0, Math.max(1, periodMicros), TimeUnit.MICROSECONDS);
        }
        if (settings.stormEventsPerSecond() > 0) {
            scheduler.scheduleAtFixedRate(() -> storm(settings.stormEventsPerSecond() / 10), 0, 100,
                    TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleAtFixedRate(this::malformed, settings.malformedEveryMillis(),
                settings.malformedEveryMillis(), TimeUnit.MILLISECONDS);
    }

    private void storm(int burst) {
        long secondsIn = (System.currentTimeMillis() - startedAt) / 1000;
        if (secondsIn % STORM_CYCLE_SECONDS < STORM_ON_SECONDS) {
            for (int i = 0; i < burst; i++) {
                send(STORM_SOURCE);
            }
        }
    }

    private void send(String source) {
        long n = sequence.incrementAndGet();
        String id = source + "-" + n;
        String json = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source
                + "\",\"type\":\"" + TYPES.getOrDefault(source, "com.example.demo.event") + "\",\"time\":\"" + Instant.now()
                + "\",\"datacontenttype\":\"application/json\",\"data\":{\"sequence\":" + n + ",\"kind\":\"demo\"}}";
        producer.send(new ProducerRecord<>(topic, source, json.getBytes(StandardCharsets.UTF_8)), this::onSent);
    }

    private void malformed() {
        long n = sequence.incrementAndGet();
        byte[] value = switch ((int) (n % 4)) {
            case 0 -> "{\"specversion\":\"1.0\",\"id\":\"broken".getBytes(StandardCharsets.UTF_8);
            case 1 -> ("{\"specversion\":\"1.0\",\"id\":\"no-source-" + n + "\",\"type\":\"t\"}").getBytes(StandardCharsets.UTF_8);
            case 2 -> new byte[] {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF};
            default -> ("{\"specversion\":\"0.3\",\"id\":\"old-" + n + "\",\"source\":\"legacy-service\",\"type\":\"t\"}")
                    .getBytes(StandardCharsets.UTF_8);
        };
        producer.send(new ProducerRecord<>(topic, "malformed", value), this::onSent);
    }

    private void onSent(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
        if (error != null) {
            LOG.warn("demo traffic could not send an event: {}", error.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
