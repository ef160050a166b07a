package org.eventscheduler.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseRecordSerde;
import org.eventscheduler.topology.pause.PauseState;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQL of the mirror against a real PostgreSQL: idempotent history, fenced current state, DLQ summaries. */
class MirrorStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final String PAUSED = "scheduler.paused";
    private static EmbeddedPostgres postgres;
    private static MirrorDatabase database;
    private static MirrorStore store;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        database = new MirrorDatabase(MirrorTestSettings.forUrl(postgres.getJdbcUrl("postgres", "postgres")));
        database.migrate();
        jdbi = database.jdbi();
        store = new MirrorStore(jdbi);
    }

    @AfterAll
    static void stop() throws Exception {
        database.close();
        postgres.close();
    }

    @BeforeEach
    void empty() {
        jdbi.useHandle(h -> h.execute("TRUNCATE pause_state, pause_history, dlq_summary"));
    }

    /** PostgreSQL's own TLS settings travel in the JDBC URL to the driver: this server has no TLS. */
    @Test
    void sslModeInTheUrlReachesTheDriver() {
        String url = postgres.getJdbcUrl("postgres", "postgres");
        try (MirrorDatabase plain = new MirrorDatabase(MirrorTestSettings.forUrl(url + "&sslmode=disable"))) {
            int one = plain.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            assertThat(one).isEqualTo(1);
        }
        try (MirrorDatabase tls = new MirrorDatabase(MirrorTestSettings.forUrl(url + "&sslmode=require"))) {
            assertThatThrownBy(() -> tls.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()))
                    .hasStackTraceContaining("The server does not support SSL");
        }
    }

    static PauseRecord pause(String source, PauseState state, PauseReason reason, String correlationId) {
        boolean paused = state == PauseState.PAUSED;
        Optional<PauseRecord.OperatorFigures> operator = reason == PauseReason.OPERATOR_PAUSE
                || reason == PauseReason.OPERATOR_RESUME
                ? Optional.of(new PauseRecord.OperatorFigures("alice", "investigating", Optional.empty()))
                : Optional.empty();
        return new PauseRecord(EntityType.SOURCE, source, state,
                paused ? List.of(reason == PauseReason.OPERATOR_PAUSE ? PauseCause.OPERATOR : PauseCause.RATE) : List.of(),
                List.of(), reason, false,
                reason == PauseReason.RATE_LIMIT_EXCEEDED
                        ? Optional.of(new PauseRecord.RateFigures(2000, 1000, Duration.ofSeconds(10))) : Optional.empty(),
                Optional.empty(), operator, Optional.of(T0), paused ? Optional.of(T0.plusSeconds(60)) : Optional.empty(),
                paused ? Optional.empty() : Optional.of(T0.plusSeconds(90)),
                paused ? Optional.empty() : Optional.of(operator.isPresent() ? "alice" : "scheduler"), 1, correlationId,
                "instance-1");
    }

    static MirroredRecord.PauseChange change(PauseRecord record, int partition, long offset) {
        byte[] json = new PauseRecordSerde().serializer().serialize(PAUSED, record);
        return new MirroredRecord.PauseChange(new Coordinates(PAUSED, partition, offset, T0.plusMillis(offset)), record,
                new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, Object> state(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pause_state WHERE entity_id = :id").bind("id", id)
                .mapToMap().one());
    }

    private static String rowText(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT row_to_json(s)::text FROM pause_state s WHERE entity_id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    private static long count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }

    @Test
    void writesHistoryAndTheLatestStateOfEachEntity() {
        store.write(MirrorBatch.of(List.of(
                change(pause("shop", PauseState.PAUSED, PauseReason.RATE_LIMIT_EXCEEDED, "e-1"), 0, 10),
                change(pause("shop", PauseState.ACTIVE, PauseReason.COOLDOWN_ELAPSED, "e-1"), 0, 11),
                change(pause("ads", PauseState.PAUSED, PauseReason.OPERATOR_PAUSE, "op-1"), 1, 3))));

        assertThat(count("pause_history")).isEqualTo(3);
        assertThat(count("pause_state")).isEqualTo(2);
        Map<String, Object> shop = state("shop");
        assertThat(shop).containsEntry("state", "ACTIVE").containsEntry("reason", "cooldown-elapsed")
                .containsEntry("source_offset", 11L).containsEntry("actor", "scheduler")
                .containsEntry("correlation_id", "e-1");
        Map<String, Object> ads = state("ads");
        assertThat(ads).containsEntry("state", "PAUSED").containsEntry("actor", "alice")
                .containsEntry("operator_reason", "investigating");
        Map<String, Object> firstPause = jdbi.withHandle(h -> h.createQuery(
                "SELECT rate_observed, rate_limit, rate_window_seconds, array_to_string(causes, ',') AS causes, "
                        + "record->>'reason' AS json_reason FROM pause_history WHERE source_offset = 10").mapToMap().one());
        assertThat(firstPause).containsEntry("rate_observed", 2000L).containsEntry("rate_limit", 1000L)
                .containsEntry("rate_window_seconds", 10L).containsEntry("causes", "rate")
                .containsEntry("json_reason", "rate-limit-exceeded");
    }

    @Test
    void writingTheSameBatchAgainChangesNothing() {
        MirrorBatch batch = MirrorBatch.of(List.of(
                change(pause("shop", PauseState.PAUSED, PauseReason.RATE_LIMIT_EXCEEDED, "e-1"), 0, 10),
                change(pause("shop", PauseState.ACTIVE, PauseReason.COOLDOWN_ELAPSED, "e-1"), 0, 11)));
        store.write(batch);
        String before = rowText("shop");

        MirrorStore.Written again = store.write(batch);

        assertThat(count("pause_history")).isEqualTo(2);
        assertThat(again.states()).as("the fence refuses a record that is not newer").isZero();
        assertThat(rowText("shop")).as("not even mirrored_at changes").isEqualTo(before);
    }

    @Test
    void anOlderRecordNeverMovesTheCurrentStateBack() {
        store.write(MirrorBatch.of(List.of(
                change(pause("shop", PauseState.ACTIVE, PauseReason.COOLDOWN_ELAPSED, "e-2"), 0, 20))));

        store.write(MirrorBatch.of(List.of(
                change(pause("shop", PauseState.PAUSED, PauseReason.RATE_LIMIT_EXCEEDED, "e-1"), 0, 15))));

        assertThat(state("shop")).containsEntry("state", "ACTIVE").containsEntry("source_offset", 20L);
        assertThat(count("pause_history")).as("the older record is still history").isEqualTo(2);
    }

    @Test
    void aTombstoneRemovesTheRowOnlyWhenItIsNewer() {
        store.write(MirrorBatch.of(List.of(
                change(pause("shop", PauseState.PAUSED, PauseReason.RATE_LIMIT_EXCEEDED, "e-1"), 0, 10))));
        Coordinates older = new Coordinates(PAUSED, 0, 5, T0);
        store.write(MirrorBatch.of(List.of(new MirroredRecord.Tombstone(older, EntityType.SOURCE, "shop"))));
        assertThat(count("pause_state")).isEqualTo(1);

        Coordinates newer = new Coordinates(PAUSED, 0, 12, T0.plusSeconds(1));
        store.write(MirrorBatch.of(List.of(new MirroredRecord.Tombstone(newer, EntityType.SOURCE, "shop"))));
        assertThat(count("pause_state")).isZero();
        assertThat(count("pause_history")).isEqualTo(1);
    }

    @Test
    void deadLetterSummariesAreWrittenOnce() {
        MirroredRecord.DeadLetterSummary summary = new MirroredRecord.DeadLetterSummary(
                new Coordinates("scheduler.dlq", 2, 7, T0), "invalid-json", Optional.of("shop"), "events.ingress-2@40",
                Optional.of("events.ingress-2@40"), Optional.of("events.ingress"), Optional.of(2), Optional.of(40L),
                Optional.of("org.eventscheduler.topology.event.InvalidEventException"), Optional.of("invalid-json: ..."),
                9, Optional.empty());
        store.write(MirrorBatch.of(List.of(summary)));
        store.write(MirrorBatch.of(List.of(summary)));

        assertThat(count("dlq_summary")).isEqualTo(1);
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("SELECT * FROM dlq_summary").mapToMap().one());
        assertThat(row).containsEntry("reason", "invalid-json").containsEntry("source", "shop")
                .containsEntry("original_topic", "events.ingress").containsEntry("original_partition", 2)
                .containsEntry("original_offset", 40L).containsEntry("value_bytes", 9)
                .containsEntry("payload", null);
    }

    @Test
    void aFailedBatchWritesNothing() {
        PauseRecord good = pause("shop", PauseState.PAUSED, PauseReason.RATE_LIMIT_EXCEEDED, "e-1");
        MirroredRecord.PauseChange broken = new MirroredRecord.PauseChange(new Coordinates(PAUSED, 0, 11, T0), good,
                "{not json");

        assertThatThrownBy(() -> store.write(MirrorBatch.of(List.of(change(good, 0, 10), broken))))
                .hasMessageContaining("json");
        assertThat(count("pause_history")).isZero();
        assertThat(count("pause_state")).isZero();
    }
}
