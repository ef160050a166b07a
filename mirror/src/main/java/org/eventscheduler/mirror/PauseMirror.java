package org.eventscheduler.mirror;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eventscheduler.topology.failure.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the paused changelog (and DLQ summaries) to PostgreSQL, on its own thread and in its own
 * consumer group.
 *
 * <p>At-least-once with fencing: each poll's records are written in one database transaction
 * ({@link MirrorStore}), and only after that transaction has committed are the consumer's positions
 * committed to Kafka. A crash in between re-reads the batch, which changes nothing the second time.
 *
 * <p>The database is called through a resilience4j retry (a few attempts with exponential backoff)
 * inside a circuit breaker. While a batch cannot be written the consumer is paused and keeps the
 * batch: nothing is skipped, and when the breaker lets a batch through again the mirror catches up
 * by itself. The topology is not affected: it never waits for the mirror.
 */
public final class PauseMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PauseMirror.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration LAG_REFRESH = Duration.ofSeconds(2);

    /** Called after a batch's database transaction has committed and before its offsets are; for tests and tools. */
    @FunctionalInterface
    public interface AfterDatabaseCommit {
        AfterDatabaseCommit NOTHING = batch -> {
        };

        void committed(MirrorBatch batch);
    }

    private final MirrorSettings settings;
    private final Properties consumerProperties;
    private final List<String> topics;
    private final MirrorRecords decoder;
    private final MirrorDatabase database;
    private final MirrorStore store;
    private final MirrorMetrics metrics;
    private final AfterDatabaseCommit afterDatabaseCommit;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Thread thread;

    private volatile boolean closing;
    /** Set by {@link #drainAndClose}: stop once everything committed to the topics so far is written. */
    private volatile boolean draining;
    private volatile MirrorStatus status = new MirrorStatus(MirrorState.STARTING, 0, "closed", Optional.empty(),
            Optional.empty());
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    // owned by the mirror thread
    private MirrorBatch pending = MirrorBatch.of(List.of());
    private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private boolean lagDue = true;
    private long lagRefreshedAt;

    /**
     * @param consumerProperties bootstrap servers and client settings (security); the group id and
     *                           everything about offsets and isolation are set here
     */
    public PauseMirror(MirrorSettings settings, Properties consumerProperties, String groupId, String pausedTopic,
                       String dlqTopic, MirrorDatabase database, MirrorMetrics metrics,
                       AfterDatabaseCommit afterDatabaseCommit, Clock clock) {
        this.settings = settings;
        this.consumerProperties = new Properties();
        this.consumerProperties.putAll(consumerProperties);
        this.consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        this.consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
        this.consumerProperties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + Long.toHexString(clock.millis()));
        this.topics = settings.dlqSummaries() ? List.of(pausedTopic, dlqTopic) : List.of(pausedTopic);
        this.decoder = new MirrorRecords(pausedTopic, dlqTopic, settings.dlqPayloadBytes());
        this.database = database;
        this.store = new MirrorStore(database.jdbi());
        this.metrics = metrics;
        this.afterDatabaseCommit = afterDatabaseCommit;
        this.clock = clock;
        this.breaker = metrics.breaker("mirror-database", CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.breaker().failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breaker().slidingWindowSize())
                .minimumNumberOfCalls(settings.breaker().minimumNumberOfCalls())
                .waitDurationInOpenState(settings.breaker().waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(Exception.class)
                .build());
        this.retry = metrics.retry("mirror-database", RetryConfig.custom()
                .maxAttempts(settings.retry().maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retry().initialBackoff(),
                        settings.retry().multiplier(), settings.retry().maxBackoff()))
                .retryExceptions(Exception.class)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> LOG.atWarn().addKeyValue("reason", "mirror-database-unavailable")
                        .log("mirror database {} unavailable: stopped consuming for {} (nothing is skipped)",
                                settings.redactedUrl(), settings.breaker().waitInOpenState());
                case CLOSED -> LOG.atInfo().addKeyValue("reason", "mirror-database-available")
                        .log("mirror database {} available again: catching up", settings.redactedUrl());
                default -> LOG.debug("mirror database breaker {}", event.getStateTransition());
            }
        });
        this.thread = new Thread(this::run, "scheduler-mirror");
        this.thread.setDaemon(false);
    }

    /** Starts the mirror's thread. */
    public PauseMirror start() {
        LOG.info("mirroring {} to {} as consumer group {}", topics, settings.redactedUrl(),
                consumerProperties.get(ConsumerConfig.GROUP_ID_CONFIG));
        thread.start();
        return this;
    }

    /** Blocks until the mirror's thread has ended. */
    public void awaitTermination() throws InterruptedException {
        thread.join();
    }

    public MirrorStatus status() {
        return status;
    }

    private void run() {
        while (!closing) {
            try (KafkaConsumer<byte[], byte[]> created = new KafkaConsumer<>(consumerProperties,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = created;
                created.subscribe(topics, new Rebalance());
                loop(created);
            } catch (WakeupException e) {
                if (!closing) {
                    LOG.warn("mirror consumer woken up while not closing; starting it again", e);
                }
            } catch (KafkaException e) {
                // the consumer failed (not the database): start a new one after a pause, from the committed offsets
                LOG.atError().setCause(e).addKeyValue("reason", "mirror-consumer-failed")
                        .log("mirror consumer failed; starting a new one from the committed offsets");
                pending = MirrorBatch.of(List.of());
                committedOffsets.clear();
                update(MirrorState.BACKING_OFF, Optional.of("consumer: " + e.getMessage()));
                sleep(settings.breaker().waitInOpenState());
            }
        }
        update(MirrorState.STOPPED, Optional.empty());
    }

    private void loop(KafkaConsumer<byte[], byte[]> consumer) {
        while (!closing) {
            if (pending.isEmpty()) {
                if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
                if (!polled.isEmpty()) {
                    pending = decode(polled);
                } else {
                    commitPositionsIfMoved(consumer);
                    if (draining && caughtUp(consumer)) {
                        LOG.info("mirror wrote everything up to the end of {} and committed its offsets; stopping", topics);
                        closing = true;
                    }
                }
            } else {
                // back-pressure: keep the group membership, read nothing new until the batch is written
                consumer.pause(consumer.assignment());
                consumer.poll(POLL);
            }
            if (!pending.isEmpty()) {
                write(consumer);
            }
            refreshLag(consumer);
        }
    }

    private MirrorBatch decode(ConsumerRecords<byte[], byte[]> polled) {
        List<MirroredRecord> records = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            MirroredRecord decoded = decoder.decode(record);
            if (decoded instanceof MirroredRecord.Unreadable unreadable) {
                LOG.atError().addKeyValue("reason", "mirror-unreadable-record")
                        .log("mirror cannot read {}: {}; it stays in Kafka and is not mirrored", unreadable.at(),
                                unreadable.problem());
            }
            records.add(decoded);
        }
        return MirrorBatch.of(records);
    }

    private void write(KafkaConsumer<byte[], byte[]> consumer) {
        if (!breaker.tryAcquirePermission()) {
            update(MirrorState.BACKING_OFF, status.lastError());
            return;
        }
        long started = System.nanoTime();
        MirrorStore.Written written;
        try {
            written = retry.executeCallable(() -> {
                database.migrate();
                return store.write(pending);
            });
        } catch (Exception e) {
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            metrics.failed();
            LOG.atWarn().setCause(e).addKeyValue("reason", "mirror-write-failed")
                    .log("mirror could not write {} records after {} attempts; keeping them and trying again",
                            pending.records().size(), settings.retry().maxAttempts());
            update(MirrorState.BACKING_OFF, Optional.of(describe(e)));
            return;
        }
        breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        afterDatabaseCommit.committed(pending);
        count(pending);
        metrics.committed();
        LOG.debug("mirrored {} records: {}", pending.records().size(), written);
        pending = MirrorBatch.of(List.of());
        commitPositions(consumer);
        status = new MirrorStatus(MirrorState.RUNNING, status.lagRecords(), breakerState(), Optional.empty(),
                Optional.of(Instant.now(clock)));
    }

    private void count(MirrorBatch batch) {
        for (MirroredRecord record : batch.records()) {
            metrics.written(switch (record) {
                case MirroredRecord.PauseChange change -> MirrorMetrics.Kind.PAUSE_CHANGE;
                case MirroredRecord.DeadLetterSummary summary -> MirrorMetrics.Kind.DEAD_LETTER;
                case MirroredRecord.Tombstone tombstone -> MirrorMetrics.Kind.TOMBSTONE;
                case MirroredRecord.Unreadable unreadable -> MirrorMetrics.Kind.UNREADABLE;
            }, 1);
        }
    }

    /**
     * Commits the consumer's positions: every record before them is in the database (the positions
     * also pass transaction markers, which a commit of the last record's offset would leave as lag).
     */
    private void commitPositions(KafkaConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            offsets.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((partition, offset) -> committedOffsets.put(partition, offset.offset()));
        } catch (KafkaException e) {
            // the rows are in the database; whoever reads these partitions next writes them again, which changes nothing
            LOG.atWarn().setCause(e).addKeyValue("reason", "mirror-commit-failed")
                    .log("mirror could not commit its offsets after writing; the records will be read again");
        }
    }

    private void commitPositionsIfMoved(KafkaConsumer<byte[], byte[]> consumer) {
        for (TopicPartition partition : consumer.assignment()) {
            if (consumer.position(partition) != committedOffsets.getOrDefault(partition, -1L)) {
                commitPositions(consumer);
                return;
            }
        }
        if (status.state() == MirrorState.STARTING && !consumer.assignment().isEmpty() && status.lagRecords() == 0) {
            update(MirrorState.RUNNING, Optional.empty());
        }
    }

    /** Whether the consumer's positions are at the end of every partition it is assigned (read_committed). */
    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, Long> ends = consumer.endOffsets(assignment, Duration.ofSeconds(2));
        return assignment.stream().allMatch(partition -> consumer.position(partition) >= ends.getOrDefault(partition, 0L));
    }

    private void refreshLag(KafkaConsumer<byte[], byte[]> consumer) {
        long now = clock.millis();
        if (!lagDue && now - lagRefreshedAt < LAG_REFRESH.toMillis()) {
            return;
        }
        lagDue = false;
        lagRefreshedAt = now;
        Set<TopicPartition> assignment = consumer.assignment();
        try {
            endOffsets = consumer.endOffsets(assignment, Duration.ofSeconds(2));
        } catch (KafkaException e) {
            LOG.atDebug().setCause(e).log("mirror could not read end offsets; keeping the previous lag");
        }
        long lag = 0;
        for (TopicPartition partition : assignment) {
            long end = endOffsets.getOrDefault(partition, 0L);
            lag += Math.max(0, end - committedOffsets.getOrDefault(partition, 0L));
        }
        status = new MirrorStatus(status.state(), lag, breakerState(), status.lastError(), status.lastCommit());
    }

    private void update(MirrorState state, Optional<String> lastError) {
        status = new MirrorStatus(state, status.lagRecords(), breakerState(), lastError, status.lastCommit());
    }

    private String breakerState() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
        };
    }

    private static String describe(Exception e) {
        Throwable root = Failures.rootCause(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Drops the pending records of partitions taken away, and learns the committed offsets of new ones. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            pending = pending.without(partitions);
            partitions.forEach(committedOffsets::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                committedOffsets.put(partition, offset == null ? 0L : offset.offset());
            }
            LOG.atInfo().log("mirror assigned {}", partitions.stream()
                    .map(p -> p.topic() + "-" + p.partition()).sorted().toList());
            lagDue = true;
        }
    }

    /**
     * Stops once it has written and committed everything the topics hold now (what their writers committed
     * before this call), within {@code timeout}; then, or if that takes longer (a database that is down),
     * as {@link #close}. For an orderly stop after the writers have stopped: nothing is left unmirrored.
     */
    public void drainAndClose(Duration timeout) {
        draining = true;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.atWarn().addKeyValue("reason", "mirror-drain-timeout")
                    .log("mirror did not catch up within {}; stopping with the rest unmirrored (it is read again next time)",
                            timeout);
        }
        close();
    }

    /** Stops consuming (a batch not yet written stays uncommitted and is read again next time) and waits for the thread. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("mirror thread did not stop within 30 s");
        }
        status = new MirrorStatus(MirrorState.STOPPED, status.lagRecords(), breakerState(), Optional.empty(),
                status.lastCommit());
    }
}
