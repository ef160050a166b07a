package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eventscheduler.admin.query.IngressLag;
import org.eventscheduler.admin.query.IngressLagReader;
import org.eventscheduler.admin.query.MirrorLagReader;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lag readers behind the health endpoint and the mirror's lag, against the embedded broker: a group
 * is behind by the records between its committed offset and the partition's end, and where it has
 * committed nothing, from the log start (records before it were deleted), never from offset 0.
 */
class LagReadersIT {
    static final String INGRESS = "lag-ingress";
    static final String REPARTITION = "lag-repartition";
    static final String GROUP = "lag-app";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    static EmbeddedKafkaBroker broker;
    static Properties clientProperties;
    static long producedAt;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        clientProperties = new Properties();
        clientProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(clientProperties)) {
            admin.createTopics(List.of(new NewTopic(INGRESS, 2, (short) 1), new NewTopic(REPARTITION, 1, (short) 1)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producedAt = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
                // partition 0: ten records, one second apart, the first a minute old
                for (int i = 0; i < 10; i++) {
                    producer.send(record(INGRESS, 0, producedAt - 60_000 + i * 1_000L));
                }
                // partition 1: four records ten seconds old
                for (int i = 0; i < 4; i++) {
                    producer.send(record(INGRESS, 1, producedAt - 10_000));
                }
                for (int i = 0; i < 3; i++) {
                    producer.send(record(REPARTITION, 0, producedAt));
                }
                producer.flush();
            }
            // retention took the first six records of partition 0; the group never committed there
            admin.deleteRecords(Map.of(new TopicPartition(INGRESS, 0), RecordsToDelete.beforeOffset(6)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            admin.alterConsumerGroupOffsets(GROUP, Map.of(
                            new TopicPartition(INGRESS, 1), new OffsetAndMetadata(2),
                            new TopicPartition(REPARTITION, 0), new OffsetAndMetadata(1)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, long timestamp) {
        return new ProducerRecord<>(topic, partition, timestamp, new byte[0], new byte[] {1});
    }

    @Test
    void shouldCountIngressLagFromTheCommittedOffsetOrTheLogStart() throws Exception {
        try (IngressLagReader reader = new IngressLagReader(clientProperties, GROUP, INGRESS, Clock.systemUTC(),
                Duration.ZERO)) {
            IngressLag lag = reader.read(TIMEOUT);

            assertThat(lag.partitions()).extracting(IngressLag.PartitionLag::partition).containsExactly(0, 1);
            IngressLag.PartitionLag first = lag.partitions().get(0);
            IngressLag.PartitionLag second = lag.partitions().get(1);
            // partition 0: offsets 6..9 are left; the oldest of them was produced 54 s before producedAt
            assertThat(first.lagRecords()).isEqualTo(4);
            assertThat(first.lagSeconds()).isBetween(54.0, 54.0 + secondsSince(producedAt));
            // partition 1: committed at 2 of 4
            assertThat(second.lagRecords()).isEqualTo(2);
            assertThat(second.lagSeconds()).isBetween(10.0, 10.0 + secondsSince(producedAt));
            assertThat(lag.lagRecords()).isEqualTo(6);
            assertThat(lag.lagSeconds()).isEqualTo(first.lagSeconds());
            // every partition the group reads counts in the queue depth: two more on the repartition topic
            assertThat(lag.queueDepth()).isEqualTo(8);
        }
    }

    @Test
    void shouldCountMirrorLagFromTheCommittedOffsetOrTheLogStart() throws Exception {
        try (MirrorLagReader committed = new MirrorLagReader(clientProperties, GROUP, List.of(INGRESS, REPARTITION),
                Clock.systemUTC(), Duration.ZERO);
             MirrorLagReader fresh = new MirrorLagReader(clientProperties, "lag-mirror-new", List.of(INGRESS),
                     Clock.systemUTC(), Duration.ZERO)) {
            assertThat(committed.read(TIMEOUT)).isEqualTo(4 + 2 + 2);
            // a group with no commit at all: everything still on the log, 4 + 4, not the 14 ever written
            assertThat(fresh.read(TIMEOUT)).isEqualTo(8);
        }
    }

    private static double secondsSince(long millis) {
        return (System.currentTimeMillis() - millis) / 1000.0 + 1;
    }
}
