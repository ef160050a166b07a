package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the application's lag from the cluster: its consumer group's committed offsets against the
 * last stable offsets of the partitions it reads. The lag in seconds is the age of the oldest record
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

    /** The lag, at most {@code cacheFor} old; fails when the cluster does not answer within {@code timeout}. */
    public synchronized IngressLag read(Duration timeout) throws Exception {
        long now = clock.millis();
        if (cached != null && now - cachedAt < cacheFor.toMillis()) {
            return cached;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(remaining(deadline), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        admin.describeTopics(List.of(ingressTopic)).allTopicNames().get(remaining(deadline), TimeUnit.MILLISECONDS)
                .get(ingressTopic).partitions()
                .forEach(info -> latest.put(new TopicPartition(ingressTopic, info.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(remaining(deadline), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));

        long queueDepth = 0;
        long ingressRecords = 0;
        double maxSeconds = 0;
        List<IngressLag.PartitionLag> partitions = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            TopicPartition partition = end.getKey();
            OffsetAndMetadata position = committed.get(partition);
            long from = position == null ? 0 : position.offset();
            long behind = Math.max(0, end.getValue() - from);
            queueDepth += behind;
            if (partition.topic().equals(ingressTopic)) {
                double seconds = behind == 0 ? 0 : ageOfRecordAt(partition, from, now, deadline);
                ingressRecords += behind;
                maxSeconds = Math.max(maxSeconds, seconds);
                partitions.add(new IngressLag.PartitionLag(partition.partition(), behind, seconds));
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
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(Math.min(200, remaining(deadline))))) {
            return Math.max(0, (now - record.timestamp()) / 1000.0);
        }
        return 0;
    }

    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
