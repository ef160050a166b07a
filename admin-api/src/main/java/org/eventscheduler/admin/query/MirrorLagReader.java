package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The Postgres mirror's lag, read from the cluster: its consumer group's committed offsets against the
 * last stable offsets of the topics it mirrors. The same figure from every instance, wherever the
 * mirror runs (in the application or alone); reused for {@code cacheFor}.
 */
public final class MirrorLagReader implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final List<String> topics;
    private final Clock clock;
    private final Duration cacheFor;
    private Optional<Long> cached = Optional.empty();
    private long cachedAt;

    public MirrorLagReader(Properties clientProperties, String groupId, List<String> topics, Clock clock,
                           Duration cacheFor) {
        this.admin = Admin.create(clientProperties);
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.clock = clock;
        this.cacheFor = cacheFor;
    }

    public String groupId() {
        return groupId;
    }

    /** Records of the mirrored topics not yet committed by the mirror's group; fails when the cluster does not answer. */
    public synchronized long read(Duration timeout) throws Exception {
        long now = clock.millis();
        if (cached.isPresent() && now - cachedAt < cacheFor.toMillis()) {
            return cached.get();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(remaining(deadline), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(remaining(deadline), TimeUnit.MILLISECONDS);
        described.values().forEach(topic -> topic.partitions().forEach(info -> {
            TopicPartition partition = new TopicPartition(topic.name(), info.partition());
            latest.put(partition, OffsetSpec.latest());
            earliest.put(partition, OffsetSpec.earliest());
        }));
        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        var ends = admin.listOffsets(latest, readCommitted).all().get(remaining(deadline), TimeUnit.MILLISECONDS);
        var starts = admin.listOffsets(earliest, readCommitted).all().get(remaining(deadline), TimeUnit.MILLISECONDS);
        long lag = 0;
        for (TopicPartition partition : latest.keySet()) {
            OffsetAndMetadata position = committed.get(partition);
            long from = position == null ? starts.get(partition).offset() : position.offset();
            lag += Math.max(0, ends.get(partition).offset() - from);
        }
        cached = Optional.of(lag);
        cachedAt = now;
        return lag;
    }

    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
