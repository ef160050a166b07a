package org.eventscheduler.mirror;

import java.util.Optional;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseRecord;

/** One record read by the mirror, decoded: what it will write for it. */
public sealed interface MirroredRecord {

    Coordinates at();

    /**
     * A record of the paused changelog: a row of the history and, if it is the entity's latest, its
     * current state.
     *
     * @param json the record as it is in Kafka, kept in the {@code record} column
     */
    record PauseChange(Coordinates at, PauseRecord change, String json) implements MirroredRecord {
    }

    /** A tombstone in the paused changelog (only written by hand): the entity's current row goes. */
    record Tombstone(Coordinates at, EntityType entityType, String entityId) implements MirroredRecord {
    }

    /** A summary of a DLQ record: why it failed and where it came from; its payload stays in Kafka unless asked for. */
    record DeadLetterSummary(Coordinates at, String reason, Optional<String> source, String correlationId,
                             Optional<String> origin, Optional<String> originalTopic, Optional<Integer> originalPartition,
                             Optional<Long> originalOffset, Optional<String> exception, Optional<String> message,
                             int valueBytes, Optional<String> payload) implements MirroredRecord {
    }

    /** A record the mirror cannot read (not a pause record): logged and counted, its offset passed. */
    record Unreadable(Coordinates at, String problem) implements MirroredRecord {
    }
}
