package org.eventscheduler.mirror;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes a {@link MirrorBatch} in one transaction: every pause change into {@code pause_history}
 * (idempotent by its topic, partition and offset), the latest change of each entity into
 * {@code pause_state} (fenced: a row is only replaced by a later record), and DLQ summaries into
 * {@code dlq_summary} (idempotent like the history). Writing the same batch twice changes nothing.
 */
public final class MirrorStore {
    private static final String PAUSE_COLUMNS = "entity_type, entity_id, state, reason, shadow, causes, shadow_causes, "
            + "actor, rate_observed, rate_limit, rate_window_seconds, breaker_state, breaker_failure_rate, "
            + "breaker_threshold, breaker_calls, operator_actor, operator_reason, operator_until, paused_at, resume_at, "
            + "resumed_at, resumed_by, pause_count, correlation_id, instance_id, record, source_topic, "
            + "source_partition, source_offset, record_time";
    private static final String PAUSE_VALUES = ":entity_type, :entity_id, :state, :reason, :shadow, "
            + "string_to_array(:causes, ','), string_to_array(:shadow_causes, ','), :actor, :rate_observed, "
            + ":rate_limit, :rate_window_seconds, :breaker_state, :breaker_failure_rate, :breaker_threshold, "
            + ":breaker_calls, :operator_actor, :operator_reason, :operator_until, :paused_at, :resume_at, :resumed_at, "
            + ":resumed_by, :pause_count, :correlation_id, :instance_id, CAST(:record AS jsonb), :source_topic, "
            + ":source_partition, :source_offset, :record_time";

    private static final String INSERT_HISTORY = "INSERT INTO pause_history (" + PAUSE_COLUMNS + ") VALUES ("
            + PAUSE_VALUES + ") ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING";

    /** The fence: same partition, a higher offset; another partition (the topic was resized), a record time not older. */
    private static final String NEWER = "(pause_state.source_topic = EXCLUDED.source_topic "
            + "AND pause_state.source_partition = EXCLUDED.source_partition "
            + "AND pause_state.source_offset < EXCLUDED.source_offset) "
            + "OR ((pause_state.source_topic <> EXCLUDED.source_topic "
            + "OR pause_state.source_partition <> EXCLUDED.source_partition) "
            + "AND pause_state.record_time <= EXCLUDED.record_time)";

    private static final String UPSERT_STATE = "INSERT INTO pause_state (" + PAUSE_COLUMNS + ") VALUES (" + PAUSE_VALUES
            + ") ON CONFLICT (entity_type, entity_id) DO UPDATE SET "
            + List.of(PAUSE_COLUMNS.split(", ")).stream().filter(c -> !c.equals("entity_type") && !c.equals("entity_id"))
            .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "))
            + ", mirrored_at = now() WHERE " + NEWER;

    private static final String DELETE_STATE = "DELETE FROM pause_state WHERE entity_type = :entity_type "
            + "AND entity_id = :entity_id AND ((source_topic = :source_topic AND source_partition = :source_partition "
            + "AND source_offset < :source_offset) OR ((source_topic <> :source_topic "
            + "OR source_partition <> :source_partition) AND record_time <= :record_time))";

    private static final String INSERT_DLQ = "INSERT INTO dlq_summary (source_topic, source_partition, source_offset, "
            + "reason, source, correlation_id, origin, original_topic, original_partition, original_offset, exception, "
            + "message, value_bytes, payload, record_time) VALUES (:source_topic, :source_partition, :source_offset, "
            + ":reason, :source, :correlation_id, :origin, :original_topic, :original_partition, :original_offset, "
            + ":exception, :message, :value_bytes, :payload, :record_time) "
            + "ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING";

    private final Jdbi jdbi;

    public MirrorStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Rows written by one batch. */
    public record Written(int history, int states, int deadLetters) {
    }

    /** Writes the batch in one transaction; throws (and writes nothing) when the database fails. */
    public Written write(MirrorBatch batch) {
        return jdbi.inTransaction(handle -> {
            int history = 0;
            int deadLetters = 0;
            PreparedBatch historyRows = handle.prepareBatch(INSERT_HISTORY);
            PreparedBatch deadLetterRows = handle.prepareBatch(INSERT_DLQ);
            for (MirroredRecord record : batch.records()) {
                switch (record) {
                    case MirroredRecord.PauseChange change -> {
                        bindPause(historyRows, change).add();
                        history++;
                    }
                    case MirroredRecord.DeadLetterSummary summary -> {
                        bindDeadLetter(deadLetterRows, summary).add();
                        deadLetters++;
                    }
                    case MirroredRecord.Tombstone tombstone -> {
                    }
                    case MirroredRecord.Unreadable unreadable -> {
                    }
                }
            }
            if (history > 0) {
                historyRows.execute();
            }
            if (deadLetters > 0) {
                deadLetterRows.execute();
            }
            int states = writeStates(handle, batch.latestPerEntity());
            return new Written(history, states, deadLetters);
        });
    }

    private static int writeStates(Handle handle, Map<String, MirroredRecord> latest) {
        PreparedBatch upserts = handle.prepareBatch(UPSERT_STATE);
        int upsertCount = 0;
        int changed = 0;
        for (MirroredRecord record : latest.values()) {
            switch (record) {
                case MirroredRecord.PauseChange change -> {
                    bindPause(upserts, change).add();
                    upsertCount++;
                }
                case MirroredRecord.Tombstone tombstone -> changed += handle.createUpdate(DELETE_STATE)
                        .bind("entity_type", tombstone.entityType().code())
                        .bind("entity_id", tombstone.entityId())
                        .bind("source_topic", tombstone.at().topic())
                        .bind("source_partition", tombstone.at().partition())
                        .bind("source_offset", tombstone.at().offset())
                        .bind("record_time", time(tombstone.at().timestamp()))
                        .execute();
                case MirroredRecord.DeadLetterSummary summary -> {
                }
                case MirroredRecord.Unreadable unreadable -> {
                }
            }
        }
        if (upsertCount > 0) {
            for (int rows : upserts.execute()) {
                changed += Math.max(rows, 0);
            }
        }
        return changed;
    }

    private static PreparedBatch bindPause(PreparedBatch batch, MirroredRecord.PauseChange change) {
        PauseRecord p = change.change();
        Coordinates at = change.at();
        return batch
                .bind("entity_type", p.entityType().code())
                .bind("entity_id", p.entityId())
                .bind("state", p.state().name())
                .bind("reason", p.reason().code())
                .bind("shadow", p.shadow())
                .bind("causes", causes(p.causes()))
                .bind("shadow_causes", causes(p.shadowCauses()))
                .bind("actor", actorOf(p))
                .bindByType("rate_observed", p.rate().map(PauseRecord.RateFigures::observed).orElse(null), Long.class)
                .bindByType("rate_limit", p.rate().map(PauseRecord.RateFigures::limit).orElse(null), Long.class)
                .bindByType("rate_window_seconds", p.rate().map(r -> r.window().toSeconds()).orElse(null), Long.class)
                .bindByType("breaker_state", p.breaker().map(PauseRecord.BreakerFigures::state).orElse(null), String.class)
                .bindByType("breaker_failure_rate", p.breaker().map(PauseRecord.BreakerFigures::failureRate).orElse(null),
                        Float.class)
                .bindByType("breaker_threshold",
                        p.breaker().map(PauseRecord.BreakerFigures::failureRateThreshold).orElse(null), Float.class)
                .bindByType("breaker_calls", p.breaker().map(PauseRecord.BreakerFigures::calls).orElse(null), Integer.class)
                .bindByType("operator_actor", p.operator().map(PauseRecord.OperatorFigures::actor).orElse(null), String.class)
                .bindByType("operator_reason", p.operator().map(PauseRecord.OperatorFigures::reason).orElse(null),
                        String.class)
                .bindByType("operator_until", time(p.operator().flatMap(PauseRecord.OperatorFigures::until)),
                        OffsetDateTime.class)
                .bindByType("paused_at", time(p.pausedAt()), OffsetDateTime.class)
                .bindByType("resume_at", time(p.resumeAt()), OffsetDateTime.class)
                .bindByType("resumed_at", time(p.resumedAt()), OffsetDateTime.class)
                .bindByType("resumed_by", p.resumedBy().orElse(null), String.class)
                .bind("pause_count", p.pauseCount())
                .bind("correlation_id", p.correlationId())
                .bind("instance_id", p.instance())
                .bind("record", change.json())
                .bind("source_topic", at.topic())
                .bind("source_partition", at.partition())
                .bind("source_offset", at.offset())
                .bind("record_time", time(at.timestamp()));
    }

    private static PreparedBatch bindDeadLetter(PreparedBatch batch, MirroredRecord.DeadLetterSummary d) {
        Coordinates at = d.at();
        return batch
                .bind("source_topic", at.topic())
                .bind("source_partition", at.partition())
                .bind("source_offset", at.offset())
                .bind("reason", d.reason())
                .bindByType("source", d.source().orElse(null), String.class)
                .bind("correlation_id", d.correlationId())
                .bindByType("origin", d.origin().orElse(null), String.class)
                .bindByType("original_topic", d.originalTopic().orElse(null), String.class)
                .bindByType("original_partition", d.originalPartition().orElse(null), Integer.class)
                .bindByType("original_offset", d.originalOffset().orElse(null), Long.class)
                .bindByType("exception", d.exception().orElse(null), String.class)
                .bindByType("message", d.message().orElse(null), String.class)
                .bind("value_bytes", d.valueBytes())
                .bindByType("payload", d.payload().orElse(null), String.class)
                .bind("record_time", time(at.timestamp()));
    }

    /** Who made the change: the operator for an operator pause or resume, else the scheduler. */
    static String actorOf(PauseRecord p) {
        boolean byOperator = p.reason() == PauseReason.OPERATOR_PAUSE || p.reason() == PauseReason.OPERATOR_RESUME;
        return byOperator ? p.operator().map(PauseRecord.OperatorFigures::actor).orElse(PauseRecord.SCHEDULER)
                : PauseRecord.SCHEDULER;
    }

    private static String causes(List<PauseCause> causes) {
        return causes.stream().map(PauseCause::code).collect(Collectors.joining(","));
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static OffsetDateTime time(Optional<Instant> instant) {
        return instant.map(MirrorStore::time).orElse(null);
    }
}
