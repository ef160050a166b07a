package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.SchedulerInstance;
import org.eventscheduler.mirror.MirrorState;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops mid-run while events keep flowing, and starts again on the same data: the
 * topology never waits for it, the mirror backs off (health and metrics say so) and then catches up
 * by itself; the tables end equal to the changelog, with no duplicate and no row ever moved back.
 */
class MirrorOutageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafkaBroker broker;
    private static EmbeddedPostgres postgres;
    private static Path dataDir;
    private static int port;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0);
        dir = Files.createTempDirectory("mirror-outage-it-");
        dataDir = dir.resolve("pgdata");
        postgres = startPostgres(0);
        port = postgres.getPort();
    }

    private static EmbeddedPostgres startPostgres(int onPort) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
        if (onPort > 0) {
            builder.setPort(onPort);
        }
        return builder.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
        broker.close();
    }

    @Test
    void theMirrorBacksOffDuringAnOutageAndConvergesWhenPostgresReturns() throws Exception {
        SchedulerConfig config = MirrorIT.config(broker, postgres.getJdbcUrl("postgres", "postgres"), dir, "outage",
                Map.of("SCHEDULER_ADMIN__ENABLED", "true"));
        Jdbi jdbi = Jdbi.create(config.mirror().jdbcUrl());
        try (SchedulerInstance instance = SchedulerInstance.start(config, false)) {
            assertThat(instance.runner().awaitRunning(TIMEOUT)).isTrue();
            MirrorChecks.operatorCommands(broker.bootstrapServers(), config, "before", 3, 12);
            List<ConsumerRecord<byte[], byte[]>> before =
                    MirrorChecks.awaitConverged(jdbi, broker.bootstrapServers(), config, TIMEOUT);
            installRegressionAudit(jdbi);

            postgres.close();
            postgres = null;
            MirrorChecks.operatorCommands(broker.bootstrapServers(), config, "during", 4, 16);
            MirrorChecks.storm(broker.bootstrapServers(), config, "during-storm", 250);

            await("the mirror backs off", () -> instance.mirrorStatus().state() == MirrorState.BACKING_OFF
                    && instance.mirrorStatus().breakerState().equals("open"));
            String scrape = ((PrometheusMeterRegistry) instance.metrics().registry()).scrape();
            assertThat(scrape).contains("scheduler_mirror_state{state=\"backing_off\"} 1.0")
                    .contains("scheduler_mirror_breaker_state{state=\"open\"} 1.0")
                    .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"mirror-database\"[^}]*state=\"open\"[^}]*\\} 1\\.0")
                    .contains("resilience4j_retry_calls_total{");
            await("the topology goes on without the database", () -> MirrorChecks.changelog(broker.bootstrapServers(), config)
                    .size() >= before.size() + 16);
            await("the mirror's own lag counts the records it holds back",
                    () -> instance.mirrorStatus().lagRecords() >= 16);
            JsonNode health = health(instance.adminPort());
            assertThat(health.path("status").asText()).isNotEqualTo("OK");
            assertThat(health.path("reasons").toString()).contains("mirror in " + config.instanceId() + " is backing off");
            assertThat(health.path("mirror").path("lagRecords").asLong()).as("the records waiting for the database: %s", health)
                    .isGreaterThanOrEqualTo(16);
            assertThat(health.path("mirror").path("instances").get(0).path("state").asText()).isEqualTo("backing_off");

            // the entities of before the outage change again: their rows are updated, under the fence
            MirrorChecks.operatorCommands(broker.bootstrapServers(), config, "before", 3, 6);
            postgres = startPostgres(port);

            List<ConsumerRecord<byte[], byte[]>> changelog =
                    MirrorChecks.awaitConverged(jdbi, broker.bootstrapServers(), config, TIMEOUT);
            assertThat(changelog.size()).isGreaterThanOrEqualTo(before.size() + 16 + 6);
            await("the mirror runs again", () -> instance.mirrorStatus().state() == MirrorState.RUNNING
                    && instance.mirrorStatus().breakerState().equals("closed"));
            assertThat(MirrorChecks.historyRows(jdbi)).doesNotHaveDuplicates();
            assertThat(MirrorIT.count(jdbi, "SELECT count(*) FROM state_audit"))
                    .as("rows of pause_state were updated after the outage").isPositive();
            assertThat(MirrorIT.snapshot(jdbi, "SELECT row_to_json(a)::text FROM state_audit a "
                    + "WHERE new_partition = old_partition AND new_offset <= old_offset"))
                    .as("no update ever moved a row back to an older record").isEmpty();
            await("the mirror's own lag is back to 0", () -> instance.mirrorStatus().lagRecords() == 0);
            await("health shows the mirror caught up", () -> health(instance.adminPort()).path("mirror")
                    .path("lagRecords").asLong(-1) == 0);
        }
    }

    /** Records every update of pause_state with the offsets before and after, to prove none went backwards. */
    private static void installRegressionAudit(Jdbi jdbi) {
        jdbi.useHandle(h -> h.execute("""
                CREATE TABLE state_audit (entity TEXT, old_partition INT, old_offset BIGINT, new_partition INT,
                                          new_offset BIGINT);
                CREATE FUNCTION audit_state() RETURNS trigger AS $$
                BEGIN
                    INSERT INTO state_audit VALUES (NEW.entity_type || ':' || NEW.entity_id, OLD.source_partition,
                                                    OLD.source_offset, NEW.source_partition, NEW.source_offset);
                    RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER audit_state BEFORE UPDATE ON pause_state FOR EACH ROW EXECUTE FUNCTION audit_state();
                """));
    }

    private static JsonNode health(int adminPort) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + adminPort + "/admin/event-health"))
                    .header("Authorization", "Bearer " + AdminApiIT.VIEWER).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("GET /admin/event-health failed", e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        Polling.await(what, TIMEOUT, condition::getAsBoolean);
    }
}
