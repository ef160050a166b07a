package org.eventscheduler.mirror;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/** The records of one poll, written in one database transaction. */
public record MirrorBatch(List<MirroredRecord> records) {
    public MirrorBatch {
        records = List.copyOf(records);
    }

    public static MirrorBatch of(List<MirroredRecord> records) {
        return new MirrorBatch(records);
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** The latest pause change or tombstone of each entity in this batch: only it can become the current row. */
    public Map<String, MirroredRecord> latestPerEntity() {
        Map<String, MirroredRecord> latest = new LinkedHashMap<>();
        for (MirroredRecord record : records) {
            entityKey(record).ifPresent(key -> latest.merge(key, record, (a, b) -> b.at().isAfter(a.at()) ? b : a));
        }
        return latest;
    }

    private static Optional<String> entityKey(MirroredRecord record) {
        return switch (record) {
            case MirroredRecord.PauseChange change -> Optional.of(change.change().key());
            case MirroredRecord.Tombstone tombstone -> Optional.of(tombstone.entityType().changelogKey(tombstone.entityId()));
            case MirroredRecord.DeadLetterSummary summary -> Optional.empty();
            case MirroredRecord.Unreadable unreadable -> Optional.empty();
        };
    }

    /** The records of this batch outside the given partitions (which a rebalance took away). */
    public MirrorBatch without(Collection<TopicPartition> revoked) {
        List<MirroredRecord> kept = records.stream()
                .filter(r -> !revoked.contains(new TopicPartition(r.at().topic(), r.at().partition())))
                .toList();
        return of(kept);
    }
}
