package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /admin/event-health}: the whole cluster in one answer, the same whichever instance gives
 * it. {@code complete} is false when a peer did not answer or a rebalance hid some stores; what is
 * missing is listed, and the status is at least DEGRADED.
 */
public record HealthSnapshot(HealthStatus status, List<String> reasons, Ingress ingress, Paused paused,
                             Held held, Counts deadLettered, Counts throttled, Mirror mirror, List<Instance> instances,
                             HealthThresholds thresholds, boolean complete, List<String> missing,
                             Instant generatedAt, String answeredBy) {

    /**
     * Ingress progress.
     *
     * @param lagRecords      ingress records not yet processed (absent when the cluster did not answer)
     * @param lagSeconds      age of the oldest unprocessed ingress record
     * @param queueDepth      records not yet processed on every topic the application reads
     * @param partitions      per ingress partition
     * @param latestEventTime the latest event time processed, over all partitions
     */
    public record Ingress(Optional<Long> lagRecords, Optional<Double> lagSeconds, Optional<Long> queueDepth,
                          List<Partition> partitions, Optional<Instant> latestEventTime) {
    }

    /** One ingress partition: its lag and the latest event time processed in it. */
    public record Partition(int partition, Optional<Long> lagRecords, Optional<Double> lagSeconds,
                            Optional<Instant> latestEventTime) {
    }

    /**
     * Paused entities.
     *
     * @param total     all paused entities the answering instances hold
     * @param entities  the list, capped at {@code thresholds.pausedListLimit}
     * @param truncated whether the list was capped
     */
    public record Paused(long sources, long triggers, long total, List<PausedEntity> entities, boolean truncated) {
    }

    /**
     * Held work: what the sources and triggers hold back, to be released, expired or discarded.
     *
     * @param entities         entities holding records
     * @param records          records they hold
     * @param oldestHeldAt     when the oldest was held
     * @param oldestAgeSeconds how long it has waited
     * @param longestWaiting   the entities, those waiting longest first, capped at {@code thresholds.pausedListLimit}
     * @param truncated        whether the list was capped
     */
    public record Held(long entities, long records, Optional<Instant> oldestHeldAt, Optional<Double> oldestAgeSeconds,
                       List<HeldEntity> longestWaiting, boolean truncated) {
    }

    /** Counts by reason, summed over the instances that answered. */
    public record Counts(Map<String, Long> last5Minutes, Map<String, Long> lastHour, double perMinute) {
    }

    /**
     * The Postgres mirror.
     *
     * @param configured whether a database is configured ({@code mirror.jdbc-url})
     * @param groupId    its consumer group
     * @param lagRecords records of the changelog and DLQ not yet in PostgreSQL, from the group's committed offsets
     * @param instances  what each answering instance reports of the mirror it runs
     */
    public record Mirror(boolean configured, Optional<String> groupId, Optional<Long> lagRecords,
                         List<MirrorInstance> instances) {
    }

    /** The mirror in one instance. */
    public record MirrorInstance(String instance, MirrorReport.State state, String breakerState, Optional<String> lastError,
                                 Optional<Instant> lastCommit) {
    }

    /**
     * An instance of the application.
     *
     * @param endpoint its {@code application.server}
     * @param state    its Kafka Streams state, when it answered
     * @param answered whether it answered in time
     * @param problem  why it did not
     */
    public record Instance(String endpoint, Optional<String> instance, Optional<KafkaStreams.State> state, boolean answered,
                           Optional<String> problem) {
    }
}
