package org.eventscheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.eventscheduler.admin.security.AdminTokens;
import org.eventscheduler.app.config.ConfigLoader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.embedded.Directories;
import org.eventscheduler.embedded.EmbeddedDatabase;
import org.eventscheduler.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The demo stops as a user expects (issue 23): its parts in the reverse order of their start, without a
 * warning or an error with a stack trace, and with the Postgres mirror caught up: it has written what
 * Kafka Streams wrote before it stopped and committed its offsets, while PostgreSQL was still up.
 */
class DemoShutdownIT {
    @Test
    void shouldStopInReverseOrderWithoutAStackTraceAndWithTheMirrorCaughtUp() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        Path home = Files.createTempDirectory("demo-shutdown-");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(home.resolve("kafka"), 0, true);
            try {
                EmbeddedDatabase database = EmbeddedDatabase.start(home.resolve("postgres"));
                SchedulerConfig config;
                try {
                    config = DemoCommand.configFor(ConfigLoader.load(Optional.empty(), Map.of(
                                    "SCHEDULER_ADMIN__PORT", "0", "SCHEDULER_ADMIN__ADVERTISED_HOST", "localhost")),
                            broker, database, home, AdminTokens.generate());
                    DemoRun run = DemoRun.start(config, new PrintStream(printed, true, StandardCharsets.UTF_8));
                    try {
                        // the failing workflow's trigger pauses, and a malformed event is dead-lettered every 2 s
                        awaitRows(database, "select count(*) from pause_history", 1);
                        awaitRows(database, "select count(*) from dlq_summary", 1);
                    } finally {
                        run.close();
                    }
                    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("trigger:invoice-requested PAUSED");
                    Map<TopicPartition, Long> behind = mirrorBehind(broker, config);
                    assertThat(behind).as("what the mirror has not committed after the stop").allSatisfy(
                            (partition, records) -> assertThat(records).as(partition.toString()).isZero());
                    assertThat(rows(database, "select count(*) from pause_history"))
                            .as("every pause record in PostgreSQL").isEqualTo(committedRecords(broker, config.topics().paused()));
                } finally {
                    database.close();
                }
            } finally {
                broker.close();
            }
        } finally {
            root.detachAppender(logged);
            Directories.deleteRecursively(home);
        }
        List<String> troubles = logged.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR)
                        || (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null))
                .map(event -> event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ")"))
                .toList();
        assertThat(troubles).as("errors, and warnings with a stack trace").isEmpty();
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(message -> message.startsWith("mirror wrote everything up to the end"));
    }

    private static void awaitRows(EmbeddedDatabase database, String query, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (rows(database, query) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + query + " >= " + atLeast);
            }
            TimeUnit.MILLISECONDS.sleep(250); // between polls, within the deadline
        }
    }

    private static long rows(EmbeddedDatabase database, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
             ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getLong(1);
        } catch (java.sql.SQLException e) {
            // the mirror creates its tables with its first write
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /** Per partition of the mirrored topics: committed records the mirror's group has not committed past. */
    private static Map<TopicPartition, Long> mirrorBehind(EmbeddedKafkaBroker broker, SchedulerConfig config) throws Exception {
        try (Admin admin = admin(broker)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    config.mirror().groupIdFor(config.kafka().applicationId())).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> ends = ends(admin, List.of(config.topics().paused(), config.topics().dlq()));
            Map<TopicPartition, Long> behind = new HashMap<>();
            ends.forEach((partition, end) -> {
                OffsetAndMetadata position = committed.get(partition);
                behind.put(partition, end - (position == null ? 0 : position.offset()));
            });
            return behind;
        }
    }

    /** The committed records of {@code topic} with a value (not tombstones). */
    private static long committedRecords(EmbeddedKafkaBroker broker, String topic) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    count += record.value() == null ? 0 : 1;
                }
            }
            return count;
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(description -> description.partitions().stream()
                        .map(info -> new TopicPartition(description.name(), info.partition())))
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(props);
    }
}
