package org.eventscheduler.admin.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.topology.pause.EntityType;

/**
 * What one instance knows locally, served to its peers on {@code /internal/status}: its Kafka Streams
 * state, the latest event time it processed per ingress partition, the paused entities in its active
 * tasks, and its recent dead-letter and throttle counts.
 *
 * @param pausedTotal      paused entities in its tasks (the list is capped)
 * @param pausedSources    of which sources
 * @param pausedTriggers   of which triggers
 * @param pausedUnreadable why its paused entities could not be read (Kafka Streams not RUNNING, stores
 *                         not queryable during a rebalance); then {@code paused} is empty and
 *                         {@code pausedTotal} 0 because they are unknown, not because nothing is paused
 * @param mirror           the Postgres mirror as this instance runs it
 * @param held             the entities in its tasks that hold records, those waiting longest first (capped)
 * @param heldEntities     how many entities hold records
 * @param heldRecords      how many records they hold
 * @param heldOldestAt     when the oldest of them was held
 */
public record LocalStatus(String instance, String endpoint, KafkaStreams.State streamsState,
                          Map<Integer, Long> latestEventTime,
                          List<PausedEntity> paused, int pausedTotal, int pausedSources, int pausedTriggers,
                          Optional<String> pausedUnreadable,
                          Map<String, Long> deadLettered5m, Map<String, Long> deadLetteredHour,
                          Map<String, Long> throttled5m, Map<String, Long> throttledHour, MirrorReport mirror,
                          Instant generatedAt, List<HeldEntity> held, long heldEntities, long heldRecords,
                          Optional<Instant> heldOldestAt) {
    public LocalStatus {
        // a peer of an older version knows nothing of held work
        held = held == null ? List.of() : held;
        heldOldestAt = heldOldestAt == null ? Optional.empty() : heldOldestAt;
        // a peer of an older version leaves these out: nothing unreadable, and the counts by type from its list
        pausedUnreadable = pausedUnreadable == null ? Optional.empty() : pausedUnreadable;
        if (pausedSources + pausedTriggers != pausedTotal && paused != null) {
            pausedSources = (int) paused.stream().filter(p -> p.entityType().equals(EntityType.SOURCE.code())).count();
            pausedTriggers = pausedTotal - pausedSources;
        }
    }
}
