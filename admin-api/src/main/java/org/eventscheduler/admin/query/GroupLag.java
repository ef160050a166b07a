package org.eventscheduler.admin.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind, per partition, read from the cluster: the group's committed
 * offset against the last stable offset. Where the group has committed nothing yet it would start at
 * the log start (records before it were deleted by retention), so that is where its lag is counted
 * from, not offset 0. Shared by the application's and the mirror's lag readers.
 */
final class GroupLag {
    private GroupLag() {
    }

    /**
     * One partition.
     *
     * @param partition the partition
     * @param next      the offset the group reads next
     * @param behind    committed records at or after {@code next}
     */
    record Position(TopicPartition partition, long next, long behind) {
    }

    /**
     * Every partition the group has committed offsets for, and every partition of {@code topics}; fails
     * with {@link LagUnavailableException} when the cluster does not answer by {@code deadlineNanos} (a
     * {@link System#nanoTime} value).
     */
    static List<Position> read(Admin admin, String groupId, Collection<String> topics, long deadlineNanos) {
        Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata(), deadlineNanos, "the offsets of group " + groupId);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        await(admin.describeTopics(topics).allTopicNames(), deadlineNanos, "topics " + topics)
                .values().forEach(topic -> topic.partitions().forEach(info -> {
                    TopicPartition partition = new TopicPartition(topic.name(), info.partition());
                    latest.put(partition, OffsetSpec.latest());
                }));
        latest.keySet().stream().filter(partition -> !committed.containsKey(partition))
                .forEach(partition -> earliest.put(partition, OffsetSpec.earliest()));
        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> ends = await(admin.listOffsets(latest, readCommitted).all(),
                deadlineNanos, "the end offsets");
        Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
                : await(admin.listOffsets(earliest, readCommitted).all(), deadlineNanos, "the start offsets");
        List<Position> positions = new ArrayList<>();
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
            TopicPartition partition = end.getKey();
            OffsetAndMetadata position = committed.get(partition);
            long next = position == null ? starts.get(partition).offset() : position.offset();
            positions.add(new Position(partition, next, Math.max(0, end.getValue().offset() - next)));
        }
        return positions;
    }

    private static <T> T await(KafkaFuture<T> answer, long deadlineNanos, String what) {
        try {
            return answer.get(remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            // the deadline is the whole story: the message says it
            throw new LagUnavailableException("the cluster did not answer with " + what + " in time");
        } catch (ExecutionException e) {
            throw new LagUnavailableException("cannot read " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LagUnavailableException("interrupted while reading " + what, e);
        }
    }

    /** Milliseconds left until {@code deadlineNanos}, at least 1. */
    static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
