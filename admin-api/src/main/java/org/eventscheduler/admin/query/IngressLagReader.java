package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the application's lag from the cluster: its consumer group's committed offsets (the log start
 * where it has none) against the last stable offsets of the partitions it reads. The lag in seconds is the age of the oldest record
 * not yet processed in each ingress partition, read from that record's timestamp (not estimated from
 * a rate). Every instance computes the same figures from the cluster; results are reused for
 * {@code cacheFor} so that frequent health requests do not hit the brokers each time.
 */
public final class IngressLagReader implements AutoCloseable {
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String groupId;
    private final String ingressTopic;
    private final Clock clock;
    private final Duration cacheFor;
    private IngressLag cached;
    private long cachedAt = Long.MIN_VALUE;

    public IngressLagReader(Properties clientProperties, String groupId, String ingressTopic, Clock clock,
                            Duration cacheFor) {
        this.admin = Admin.create(clientProperties);
        Properties consumerProps = new Properties();
        consumerProps.putAll(clientProperties);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.groupId = groupId;
        this.ingressTopic = ingressTopic;
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    /** The lag, at most {@code cacheFor} old; throws {@link LagUnavailableException} when the cluster does not answer within {@code timeout}. */
    public synchronized IngressLag read(Duration timeout) {
        long now = clock.millis();
        if (cached != null && now - cachedAt < cacheFor.toMillis()) {
            return cached;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long queueDepth = 0;
        long ingressRecords = 0;
        double maxSeconds = 0;
        List<IngressLag.PartitionLag> partitions = new ArrayList<>();
        for (GroupLag.Position position : GroupLag.read(admin, groupId, List.of(ingressTopic), deadline)) {
            queueDepth += position.behind();
            TopicPartition partition = position.partition();
            if (partition.topic().equals(ingressTopic)) {
                double seconds = position.behind() == 0 ? 0 : ageOfRecordAt(partition, position.next(), now, deadline);
                ingressRecords += position.behind();
                maxSeconds = Math.max(maxSeconds, seconds);
                partitions.add(new IngressLag.PartitionLag(partition.partition(), position.behind(), seconds));
            }
        }
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        cached = new IngressLag(partitions, ingressRecords, maxSeconds, queueDepth);
        cachedAt = now;
        return cached;
    }

    /** The age of the first committed record at or after {@code offset}; 0 when there is none (only markers). */
    private double ageOfRecordAt(TopicPartition partition, long offset, long now, long deadline) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        Duration wait = Duration.ofMillis(Math.min(200, GroupLag.remainingMillis(deadline)));
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            return Math.max(0, (now - record.timestamp()) / 1000.0);
        }
        return 0;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
