-- The Postgres mirror of the scheduler.paused changelog and of DLQ summaries, for investigation.
-- Kafka stays the source of truth; these tables converge to it (docs/operations/mirror.md).

-- The current pause state per entity: the last changelog record of each key. A row only ever moves
-- forward: it is replaced by a record with a higher offset in the same partition (the mirror's fence).
CREATE TABLE pause_state (
    entity_type           TEXT        NOT NULL,
    entity_id             TEXT        NOT NULL,
    state                 TEXT        NOT NULL,
    reason                TEXT        NOT NULL,
    shadow                BOOLEAN     NOT NULL,
    causes                TEXT[]      NOT NULL,
    shadow_causes         TEXT[]      NOT NULL,
    actor                 TEXT        NOT NULL,
    rate_observed         BIGINT,
    rate_limit            BIGINT,
    rate_window_seconds   BIGINT,
    breaker_state         TEXT,
    breaker_failure_rate  REAL,
    breaker_threshold     REAL,
    breaker_calls         INTEGER,
    operator_actor        TEXT,
    operator_reason       TEXT,
    operator_until        TIMESTAMPTZ,
    paused_at             TIMESTAMPTZ,
    resume_at             TIMESTAMPTZ,
    resumed_at            TIMESTAMPTZ,
    resumed_by            TEXT,
    pause_count           INTEGER     NOT NULL,
    correlation_id        TEXT        NOT NULL,
    instance_id           TEXT        NOT NULL,
    record                JSONB       NOT NULL,
    source_topic          TEXT        NOT NULL,
    source_partition      INTEGER     NOT NULL,
    source_offset         BIGINT      NOT NULL,
    record_time           TIMESTAMPTZ NOT NULL,
    mirrored_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_type, entity_id)
);
CREATE INDEX pause_state_state ON pause_state (state);

-- Every changelog record once: pauses, resumes, operator actions, shadow decisions. Append-only;
-- a record mirrored twice (after a crash between the database commit and the offset commit) is
-- the same row, by its coordinates.
CREATE TABLE pause_history (
    source_topic          TEXT        NOT NULL,
    source_partition      INTEGER     NOT NULL,
    source_offset         BIGINT      NOT NULL,
    entity_type           TEXT        NOT NULL,
    entity_id             TEXT        NOT NULL,
    state                 TEXT        NOT NULL,
    reason                TEXT        NOT NULL,
    shadow                BOOLEAN     NOT NULL,
    causes                TEXT[]      NOT NULL,
    shadow_causes         TEXT[]      NOT NULL,
    actor                 TEXT        NOT NULL,
    rate_observed         BIGINT,
    rate_limit            BIGINT,
    rate_window_seconds   BIGINT,
    breaker_state         TEXT,
    breaker_failure_rate  REAL,
    breaker_threshold     REAL,
    breaker_calls         INTEGER,
    operator_actor        TEXT,
    operator_reason       TEXT,
    operator_until        TIMESTAMPTZ,
    paused_at             TIMESTAMPTZ,
    resume_at             TIMESTAMPTZ,
    resumed_at            TIMESTAMPTZ,
    resumed_by            TEXT,
    pause_count           INTEGER     NOT NULL,
    correlation_id        TEXT        NOT NULL,
    instance_id           TEXT        NOT NULL,
    record                JSONB       NOT NULL,
    record_time           TIMESTAMPTZ NOT NULL,
    mirrored_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX pause_history_entity ON pause_history (entity_type, entity_id, record_time);
CREATE INDEX pause_history_time ON pause_history (record_time);
CREATE INDEX pause_history_correlation ON pause_history (correlation_id);

-- One row per dead letter: why, from where, which event; the payload stays in Kafka.
CREATE TABLE dlq_summary (
    source_topic          TEXT        NOT NULL,
    source_partition      INTEGER     NOT NULL,
    source_offset         BIGINT      NOT NULL,
    reason                TEXT        NOT NULL,
    source                TEXT,
    correlation_id        TEXT        NOT NULL,
    origin                TEXT,
    original_topic        TEXT,
    original_partition    INTEGER,
    original_offset       BIGINT,
    exception             TEXT,
    message               TEXT,
    value_bytes           INTEGER     NOT NULL,
    payload               TEXT,
    record_time           TIMESTAMPTZ NOT NULL,
    mirrored_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX dlq_summary_time ON dlq_summary (record_time);
CREATE INDEX dlq_summary_correlation ON dlq_summary (correlation_id);
CREATE INDEX dlq_summary_reason ON dlq_summary (reason, record_time);
