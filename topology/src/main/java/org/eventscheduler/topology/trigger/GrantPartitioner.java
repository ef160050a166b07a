package org.eventscheduler.topology.trigger;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions {@code scheduler.trigger-grants}: a grant goes to the partition of the source task that asked
 * for it (the topic has as many partitions as the ingress topic, so partition {@code p} is read by task
 * {@code p} of the source stage); a revocation, an invitation to ask again, and an operator's release or
 * discard of held work go to every partition.
 */
final class GrantPartitioner implements StreamPartitioner<String, TriggerInput> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, TriggerInput value, int numPartitions) {
        if (value instanceof TriggerInput.Control) {
            return everyPartition(numPartitions);
        }
        if (!(value instanceof TriggerInput.Grant grant)) {
            throw new IllegalArgumentException("only grants and relayed commands go to " + topic + ", not "
                    + value.getClass().getSimpleName());
        }
        if (grant.partition() == TriggerInput.Grant.EVERY_PARTITION) {
            return everyPartition(numPartitions);
        }
        if (grant.partition() >= numPartitions) {
            throw new IllegalStateException("a grant for partition " + grant.partition() + " of " + topic + ", which has "
                    + numPartitions + " partitions: give it as many as the ingress topic");
        }
        return Optional.of(Set.of(grant.partition()));
    }

    private static Optional<Set<Integer>> everyPartition(int numPartitions) {
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
}
