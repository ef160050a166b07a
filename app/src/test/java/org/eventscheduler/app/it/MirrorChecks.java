package org.eventscheduler.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.control.ControlCommandSerde;
import org.eventscheduler.topology.pause.EntityType;
import org.jdbi.v3.core.Jdbi;

/** What the mirror ITs compare: the paused changelog read from offset 0 against the mirror's tables. */
final class MirrorChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MirrorChecks() {
    }

    /** A record's place in the changelog. */
    record At(int partition, long offset) {
    }

    /** A current row as the changelog says it must be: where its record is, and the record. */
    record Expected(At at, JsonNode record) {
    }

    /** Creates an empty database on the server of {@code adminUrl} and returns its JDBC URL. */
    static String createDatabase(String adminUrl, String name) {
        try (Connection connection = DriverManager.getConnection(adminUrl)) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return adminUrl.replace("/postgres?", "/" + name + "?");
    }

    /** Writes operator pause and resume commands, alternating over {@code sources}: each one changes the changelog. */
    static void operatorCommands(String bootstrap, SchedulerConfig config, String prefix, int sources, int commands) {
        ControlCommandSerde serde = new ControlCommandSerde();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            for (int i = 0; i < commands; i++) {
                String source = prefix + "-" + (i % sources);
                boolean pause = (i / sources) % 2 == 0;
                ControlCommand command = new ControlCommand(pause ? ControlCommand.Action.PAUSE : ControlCommand.Action.RESUME,
                        EntityType.SOURCE, source, "alice", "mirror test " + i, Optional.empty(), Instant.now());
                producer.send(new ProducerRecord<>(config.topics().control(),
                        EntityType.SOURCE.changelogKey(source).getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(config.topics().control(), command)));
            }
            producer.flush();
        }
    }

    /** Events from one source, enough to go over a limit of {@code SCHEDULER_SOURCES__RATE_LIMIT__MAX_EVENTS}. */
    static void storm(String bootstrap, SchedulerConfig config, String source, int events) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes(source),
                        AdminApiIT.event(source + "-" + i, source, "page.viewed")));
            }
            producer.send(new ProducerRecord<>(config.topics().ingress(), AdminApiIT.bytes("junk"), new byte[] {(byte) 0xFF}));
            producer.flush();
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> changelog(String bootstrap, SchedulerConfig config) {
        return KafkaTestClients.readToEnd(bootstrap, config.topics().paused(), Duration.ofSeconds(30));
    }

    /** The last record of each key: what {@code pause_state} must hold. */
    static Map<String, Expected> lastPerKey(List<ConsumerRecord<byte[], byte[]>> changelog) {
        Map<String, Expected> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : changelog) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            Expected candidate = new Expected(new At(record.partition(), record.offset()), json(record.value()));
            last.merge(key, candidate, (a, b) -> b.at().offset() > a.at().offset() ? b : a);
        }
        return last;
    }

    static Map<String, Expected> stateRows(Jdbi jdbi) {
        Map<String, Expected> rows = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT entity_type || ':' || entity_id AS key, source_partition, source_offset, "
                        + "record::text AS record FROM pause_state").mapToMap()
                .forEach(row -> rows.put((String) row.get("key"), new Expected(
                        new At((Integer) row.get("source_partition"), (Long) row.get("source_offset")),
                        json(((String) row.get("record")).getBytes(StandardCharsets.UTF_8))))));
        return rows;
    }

    static List<At> historyRows(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT source_partition, source_offset FROM pause_history")
                .map((rs, ctx) -> new At(rs.getInt(1), rs.getLong(2))).list());
    }

    static List<At> coordinates(List<ConsumerRecord<byte[], byte[]>> records) {
        List<At> at = new ArrayList<>();
        records.forEach(r -> at.add(new At(r.partition(), r.offset())));
        return at;
    }

    /**
     * Waits until the tables equal the changelog: {@code pause_state} is the last value per key, the
     * history holds every record exactly once. Fails with the difference after {@code timeout}.
     */
    static List<ConsumerRecord<byte[], byte[]>> awaitConverged(Jdbi jdbi, String bootstrap, SchedulerConfig config,
                                                               Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> changelog = changelog(bootstrap, config);
            Map<String, Expected> expected = lastPerKey(changelog);
            if (!schemaExists(jdbi) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                continue;
            }
            Map<String, Expected> actual = stateRows(jdbi);
            List<At> history = historyRows(jdbi);
            boolean converged = actual.equals(expected) && history.size() == changelog.size()
                    && history.containsAll(coordinates(changelog));
            if (converged || System.nanoTime() > deadline) {
                assertThat(actual).as("pause_state equals the last value per key of the changelog").isEqualTo(expected);
                assertThat(history).as("the history holds every changelog record once")
                        .hasSize(changelog.size()).containsExactlyInAnyOrderElementsOf(coordinates(changelog));
                return changelog;
            }
            Thread.sleep(250);
        }
    }

    /** Whether the mirror has created its tables (it migrates the database before its first write). */
    static boolean schemaExists(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT to_regclass('pause_history') IS NOT NULL")
                .mapTo(Boolean.class).one());
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
