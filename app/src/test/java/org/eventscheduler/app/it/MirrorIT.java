package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.fault.ChildJvm;
import org.eventscheduler.app.kafka.MirrorWiring;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.mirror.MirrorDatabase;
import org.eventscheduler.mirror.MirrorMetrics;
import org.eventscheduler.mirror.MirrorStatus;
import org.eventscheduler.mirror.PauseMirror;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Postgres mirror on a real broker and a real (embedded) PostgreSQL: after a run with pauses,
 * resumes and operator actions the tables equal the changelog; a replay from offset 0 changes nothing;
 * a mirror killed between its database commit and its offset commit leaves no duplicate on restart.
 */
class MirrorIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static EmbeddedKafkaBroker broker;
    private static EmbeddedPostgres postgres;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        postgres = EmbeddedPostgres.builder().start();
        dir = Files.createTempDirectory("mirror-it-");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
        broker.close();
    }

    /** A configuration of its own (application id, topics, database) for one test. */
    static SchedulerConfig config(EmbeddedKafkaBroker broker, String adminUrl, Path dir, String name,
                                  Map<String, String> extra) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String database = MirrorChecks.createDatabase(adminUrl, "mirror_" + name + "_" + suffix);
        Path triggers = dir.resolve(name + "-triggers.yaml");
        Files.writeString(triggers, "- {id: t-orders, source: orders, type: order.created, workflow: fulfil}\n");
        Map<String, String> env = new HashMap<>(Map.of(
                "SCHEDULER_MIRROR__JDBC_URL", database,
                "SCHEDULER_MIRROR__CONNECT_TIMEOUT", "500ms",
                "SCHEDULER_MIRROR__BATCH_SIZE", "20",
                "SCHEDULER_MIRROR__RETRY__INITIAL_BACKOFF", "50ms",
                "SCHEDULER_MIRROR__RETRY__MAX_BACKOFF", "200ms",
                "SCHEDULER_MIRROR__BREAKER__WAIT_IN_OPEN_STATE", "1s",
                "SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS", "100",
                "SCHEDULER_ADMIN__ENABLED", "false"));
        env.putAll(extra);
        return AdminApiIT.config(broker, "mirror-it-" + name + "-" + suffix, dir.resolve(name + "-state"), triggers, env);
    }

    private static Jdbi jdbi(SchedulerConfig config) {
        return Jdbi.create(config.mirror().jdbcUrl());
    }

    /** Pauses, resumes, operator actions and a rate pause, and a dead letter. */
    private static void traffic(SchedulerConfig config, String prefix) {
        MirrorChecks.operatorCommands(broker.bootstrapServers(), config, prefix, 4, 24);
        MirrorChecks.storm(broker.bootstrapServers(), config, prefix + "-storm", 250);
    }

    @Test
    void theTablesEqualTheChangelogAndAReplayFromOffsetZeroChangesNothing() throws Exception {
        SchedulerConfig config = config(broker, postgres.getJdbcUrl("postgres", "postgres"), dir, "converge", Map.of());
        Jdbi jdbi = jdbi(config);
        List<ConsumerRecord<byte[], byte[]>> changelog;
        try (SchedulerInstance instance = SchedulerInstance.start(config, false)) {
            assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
            traffic(config, "conv");
            KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                    r -> new String(r.key()).equals("source:conv-storm"), TIMEOUT);
            changelog = MirrorChecks.awaitConverged(jdbi, broker.bootstrapServers(), config, TIMEOUT);
            assertThat(changelog).as("24 operator actions and a rate pause").hasSizeGreaterThanOrEqualTo(25);
            assertThat(count(jdbi, "SELECT count(*) FROM pause_history WHERE actor = 'alice'")).isEqualTo(24);
            assertThat(count(jdbi, "SELECT count(*) FROM dlq_summary WHERE reason = 'undecodable'")).isEqualTo(1);
            theOperationsGuidesQueriesRun(jdbi);
        }
        String stateBefore = snapshot(jdbi, "SELECT row_to_json(s)::text FROM pause_state s ORDER BY entity_type, entity_id");
        String historyBefore = snapshot(jdbi,
                "SELECT row_to_json(h)::text FROM pause_history h ORDER BY source_partition, source_offset");
        String dlqBefore = snapshot(jdbi, "SELECT row_to_json(d)::text FROM dlq_summary d ORDER BY source_partition, source_offset");

        // a second mirror, in a group of its own, reads everything again from offset 0 into the same database
        SchedulerConfig replay = config.withMirror(new org.eventscheduler.mirror.MirrorSettings(config.mirror().jdbcUrl(),
                config.mirror().username(), config.mirror().password(), true, "replay-" + UUID.randomUUID(),
                config.mirror().poolSize(), config.mirror().connectTimeout(), config.mirror().batchSize(),
                config.mirror().dlqSummaries(), config.mirror().dlqPayloadBytes(), config.mirror().retry(),
                config.mirror().breaker()));
        AtomicLong reread = new AtomicLong();
        long expected = changelog.size() + 1;
        try (MirrorWiring mirror = MirrorWiring.start(replay, new MirrorMetrics(new SimpleMeterRegistry(), MirrorStatus::off),
                batch -> reread.addAndGet(batch.records().size()))) {
            awaitAtLeast(reread, expected);
        }
        assertThat(reread.get()).isEqualTo(expected);
        assertThat(snapshot(jdbi, "SELECT row_to_json(s)::text FROM pause_state s ORDER BY entity_type, entity_id"))
                .as("not a row of pause_state changed, not even mirrored_at").isEqualTo(stateBefore);
        assertThat(snapshot(jdbi, "SELECT row_to_json(h)::text FROM pause_history h ORDER BY source_partition, source_offset"))
                .isEqualTo(historyBefore);
        assertThat(snapshot(jdbi, "SELECT row_to_json(d)::text FROM dlq_summary d ORDER BY source_partition, source_offset"))
                .isEqualTo(dlqBefore);
    }

    @Test
    void aMirrorProcessKilledBetweenItsDatabaseCommitAndItsOffsetCommitLeavesNoDuplicate() throws Exception {
        SchedulerConfig config = config(broker, postgres.getJdbcUrl("postgres", "postgres"), dir, "killed",
                Map.of("SCHEDULER_MIRROR__DLQ_SUMMARIES", "false", "SCHEDULER_MIRROR__IN_PROCESS", "false"));
        Jdbi jdbi = jdbi(config);
        try (SchedulerInstance instance = SchedulerInstance.start(config, false)) {
            assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
            traffic(config, "kill");
            KafkaTestClients.awaitRecord(broker.bootstrapServers(), config.topics().paused(),
                    r -> new String(r.key()).equals("source:kill-storm"), TIMEOUT);

            // the mirror alone, in a process of its own that dies right after its first database commit
            Path mirrorConfig = dir.resolve("killed-mirror.yaml");
            Files.writeString(mirrorConfig, """
                    instance-id: halting-mirror
                    kafka:
                      bootstrap-servers: "%s"
                      application-id: "%s"
                      client-properties:
                        session.timeout.ms: "6000"
                    topics:
                      paused: "%s"
                      dlq: "%s"
                    mirror:
                      jdbc-url: "%s"
                      in-process: false
                      batch-size: %d
                      dlq-summaries: false
                    admin:
                      enabled: false
                    """.formatted(broker.bootstrapServers(), config.kafka().applicationId(), config.topics().paused(),
                    config.topics().dlq(), config.mirror().jdbcUrl(), config.mirror().batchSize()));
            ChildJvm halting = ChildJvm.onTestClasspath("halting-mirror", HaltingMirrorMain.class.getName(),
                    List.of(mirrorConfig.toString()), dir.resolve("killed-mirror.log")).start();
            assertThat(halting.awaitExit(TIMEOUT)).as(halting.log()).isEqualTo(HaltingMirrorMain.EXIT_CODE);
            java.util.regex.Matcher halted = java.util.regex.Pattern.compile(HaltingMirrorMain.HALTING
                    + ": a batch of (\\d+) records").matcher(halting.log());
            assertThat(halted.find()).as(halting.log()).isTrue();
            long batch = Long.parseLong(halted.group(1));
            assertThat(count(jdbi, "SELECT count(*) FROM pause_history")).as("the dead mirror's batch is in the database")
                    .isEqualTo(batch);
            try (var admin = org.apache.kafka.clients.admin.Admin.create(
                    org.eventscheduler.app.kafka.SchedulerRunner.adminProperties(config))) {
                assertThat(admin.listConsumerGroupOffsets(MirrorWiring.groupId(config)).partitionsToOffsetAndMetadata()
                        .get().values().stream().filter(java.util.Objects::nonNull).toList())
                        .as("and no offset was committed for it").isEmpty();
            }

            // a new mirror in the same group reads the dead one's batch again and converges without a duplicate
            AtomicLong reread = new AtomicLong();
            try (MirrorWiring restarted = MirrorWiring.start(config,
                    new MirrorMetrics(new SimpleMeterRegistry(), MirrorStatus::off),
                    committed -> reread.addAndGet(committed.records().size()))) {
                List<ConsumerRecord<byte[], byte[]>> changelog =
                        MirrorChecks.awaitConverged(jdbi, broker.bootstrapServers(), config, TIMEOUT);
                awaitAtLeast(reread, changelog.size());
                assertThat(reread.get()).as("the dead mirror's batch was read again").isEqualTo(changelog.size());
                assertThat(MirrorChecks.historyRows(jdbi)).doesNotHaveDuplicates();
            }
        }
    }

    private static void awaitAtLeast(AtomicLong value, long wanted) throws Exception {
        Polling.await("at least " + wanted + " records", TIMEOUT, () -> value.get() >= wanted);
        assertThat(value.get()).isGreaterThanOrEqualTo(wanted);
    }

    /** The investigation queries of docs/operations/mirror.md run on a mirrored database and find what they should. */
    private static void theOperationsGuidesQueriesRun(Jdbi jdbi) throws Exception {
        String guide = Files.readString(Path.of("../docs/operations/mirror.md"));
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(guide);
        List<String> queries = new java.util.ArrayList<>();
        while (block.find()) {
            queries.add(block.group(1).trim().replaceAll(";$", ""));
        }
        assertThat(queries).as("three investigation queries").hasSize(3);
        List<Map<String, Object>> pausedNow = rows(jdbi, queries.get(0));
        assertThat(pausedNow).extracting(row -> row.get("entity_id")).contains("conv-storm");
        List<Map<String, Object>> byReason = rows(jdbi, queries.get(1).replace("interval '24 hours'", "interval '100 years'"));
        assertThat(byReason).extracting(row -> row.get("reason")).contains("rate-limit-exceeded", "operator-pause");
        String correlationId = jdbi.withHandle((Handle h) -> h.createQuery(
                "SELECT correlation_id FROM pause_state WHERE entity_id = 'conv-storm'").mapTo(String.class).one());
        List<Map<String, Object>> story = rows(jdbi, queries.get(2).replace("orders-service-4711", correlationId));
        assertThat(story).extracting(row -> row.get("entity")).contains("source:conv-storm");

        // and every query of the runbook runs on the same schema (they are diagnosis steps of its alerts)
        String runbook = Files.readString(Path.of("../docs/operations/event-scheduler.md"));
        java.util.regex.Matcher runbookBlock = java.util.regex.Pattern.compile("```sql\n(.*?)```",
                java.util.regex.Pattern.DOTALL).matcher(runbook);
        int runbookQueries = 0;
        while (runbookBlock.find()) {
            String query = runbookBlock.group(1).trim().replaceAll(";$", "");
            assertThat(rows(jdbi, query)).as(query).isNotNull();
            runbookQueries++;
        }
        assertThat(runbookQueries).as("the runbook's SQL").isGreaterThanOrEqualTo(5);
    }

    private static List<Map<String, Object>> rows(Jdbi jdbi, String sql) {
        return jdbi.withHandle((Handle h) -> h.createQuery(sql).mapToMap().list());
    }

    static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle((Handle h) -> h.createQuery(sql).mapTo(Long.class).one());
    }

    static String snapshot(Jdbi jdbi, String sql) {
        List<String> rows = jdbi.withHandle((Handle h) -> h.createQuery(sql).mapTo(String.class).list());
        return String.join("\n", rows);
    }
}
