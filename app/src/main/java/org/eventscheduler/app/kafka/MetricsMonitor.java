package org.eventscheduler.app.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.admin.query.IngressLag;
import org.eventscheduler.admin.query.IngressLagReader;
import org.eventscheduler.admin.query.PausedIndex;
import org.eventscheduler.admin.query.StreamsAccess;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.pause.EntityType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges refreshed in the background (every {@code metrics.refresh-interval}), each reported only by
 * the instance that owns what it measures, so that {@code sum()} across instances is the cluster's
 * value: the lag of the ingress partitions this instance processes, the records retained in the DLQ
 * partitions of the same numbers, and the paused entities, open breakers and held records of its own
 * tasks (one walk of the paused index, which lists every entity that is paused or holds records). The
 * age of the longest current pause and of the oldest held record are the gauges to aggregate with
 * {@code max()}, not {@code sum()}.
 */
public final class MetricsMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsMonitor.class);

    private final SchedulerConfig config;
    private final KafkaStreams streams;
    private final PausedIndex pausedIndex;
    private final IngressLagReader lag;
    private final Admin admin;
    private final MultiGauge lagRecords;
    private final MultiGauge lagSeconds;
    private final MultiGauge paused;
    private final MultiGauge longestPause;
    private final MultiGauge breakers;
    private final MultiGauge heldRecords;
    private final MultiGauge heldOldest;
    private final AtomicLong dlqRetained = new AtomicLong();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "metrics-monitor");
        thread.setDaemon(true);
        return thread;
    });

    /** @param lag the instance's lag reader, shared with the health query; its owner closes it */
    public MetricsMonitor(SchedulerConfig config, KafkaStreams streams, IngressLagReader lag, MeterRegistry registry) {
        this.config = config;
        this.streams = streams;
        this.pausedIndex = new PausedIndex(StreamsAccess.of(streams, HostInfo.unavailable()));
        this.lag = lag;
        this.admin = Admin.create(KafkaClients.properties(config, KafkaClients.Role.METRICS));
        this.lagRecords = MultiGauge.builder("scheduler.ingress.partition.lag.records")
                .description("Ingress records not yet processed, per partition this instance processes")
                .register(registry);
        this.lagSeconds = MultiGauge.builder("scheduler.ingress.partition.lag").baseUnit("seconds")
                .description("Age of the oldest unprocessed ingress record, per partition this instance processes")
                .register(registry);
        this.paused = MultiGauge.builder("scheduler.paused.entities")
                .description("Paused sources and triggers in this instance's tasks, by entity type")
                .register(registry);
        this.longestPause = MultiGauge.builder("scheduler.paused.longest").baseUnit("seconds")
                .description("How long the longest current pause in this instance's tasks has lasted, by entity type; "
                        + "0 when none is paused")
                .register(registry);
        this.breakers = MultiGauge.builder("scheduler.breakers")
                .description("Circuit breakers not closed in this instance's tasks, by entity type and state")
                .register(registry);
        this.heldRecords = MultiGauge.builder("scheduler.held.records")
                .description("Records held back (waiting to be released, or to expire) in this instance's tasks, "
                        + "by entity type")
                .register(registry);
        this.heldOldest = MultiGauge.builder("scheduler.held.oldest.age").baseUnit("seconds")
                .description("How long the oldest record held in this instance's tasks has waited, by entity type; "
                        + "0 when none is held")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("scheduler.dlq.retained", dlqRetained, AtomicLong::get)
                .baseUnit("records")
                .description("Records retained in the DLQ partitions whose number this instance processes on ingress")
                .register(registry);
    }

    public MetricsMonitor start(Duration interval) {
        executor.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    void refresh() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        try {
            Set<Integer> owned = ownedIngressPartitions();
            refreshLag(owned);
            refreshDlq(owned);
            refreshPauses();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.atWarn().setCause(e).log("could not refresh the lag, DLQ and pause gauges; trying again next interval");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<Integer> ownedIngressPartitions() {
        Set<Integer> owned = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(config.topics().ingress()))
                    .forEach(partition -> owned.add(partition.partition())));
        }
        return owned;
    }

    private void refreshLag(Set<Integer> owned) {
        IngressLag ingress = lag.read(Duration.ofSeconds(5));
        List<MultiGauge.Row<?>> records = new ArrayList<>();
        List<MultiGauge.Row<?>> seconds = new ArrayList<>();
        for (IngressLag.PartitionLag partition : ingress.partitions()) {
            if (owned.contains(partition.partition())) {
                Tags tags = Tags.of("partition", String.valueOf(partition.partition()));
                records.add(MultiGauge.Row.of(tags, partition.lagRecords()));
                seconds.add(MultiGauge.Row.of(tags, partition.lagSeconds()));
            }
        }
        lagRecords.register(records, true);
        lagSeconds.register(seconds, true);
    }

    private void refreshDlq(Set<Integer> owned)
            throws ExecutionException, TimeoutException, InterruptedException {
        String dlq = config.topics().dlq();
        int ingressPartitions = admin.describeTopics(List.of(config.topics().ingress())).allTopicNames()
                .get(5, TimeUnit.SECONDS).get(config.topics().ingress()).partitions().size();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(dlq)).allTopicNames().get(5, TimeUnit.SECONDS).get(dlq).partitions()
                .stream()
                .filter(info -> owned.contains(info.partition() % ingressPartitions))
                .forEach(info -> {
                    earliest.put(new TopicPartition(dlq, info.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(dlq, info.partition()), OffsetSpec.latest());
                });
        long retained = 0;
        if (!earliest.isEmpty()) {
            var begin = admin.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
            var end = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            for (TopicPartition partition : earliest.keySet()) {
                retained += end.get(partition).offset() - begin.get(partition).offset();
            }
        }
        dlqRetained.set(retained);
    }

    private void refreshPauses() {
        Map<String, Long> pausedByType = new HashMap<>(Map.of("source", 0L, "trigger", 0L));
        Map<String, Instant> earliestPauseByType = new HashMap<>();
        Map<List<String>, Long> breakersByState = new HashMap<>();
        Map<String, Long> heldByType = new HashMap<>(Map.of("source", 0L, "trigger", 0L));
        Map<String, Instant> oldestHeldByType = new HashMap<>();
        for (EntityType type : EntityType.values()) {
            pausedIndex.forEach(type, (id, state) -> {
                if (state.isPaused()) {
                    pausedByType.merge(type.code(), 1L, Long::sum);
                    state.pausedSince().ifPresent(since ->
                            earliestPauseByType.merge(type.code(), since, MetricsMonitor::earlier));
                }
                if (!state.isBreakerClosed()) {
                    breakersByState.merge(List.of(type.code(), state.breakerState().toLowerCase(java.util.Locale.ROOT)),
                            1L, Long::sum);
                }
                heldByType.merge(type.code(), state.heldCount(), Long::sum);
                state.oldestHeldAt().ifPresent(at -> oldestHeldByType.merge(type.code(), at, MetricsMonitor::earlier));
            });
        }
        List<MultiGauge.Row<?>> pausedRows = new ArrayList<>();
        pausedByType.forEach((type, count) -> pausedRows.add(MultiGauge.Row.of(Tags.of("entity_type", type), count)));
        paused.register(pausedRows, true);
        Instant now = Instant.now();
        longestPause.register(ages(earliestPauseByType, now), true);
        List<MultiGauge.Row<?>> heldRows = new ArrayList<>();
        heldByType.forEach((type, count) -> heldRows.add(MultiGauge.Row.of(Tags.of("entity_type", type), count)));
        heldRecords.register(heldRows, true);
        heldOldest.register(ages(oldestHeldByType, now), true);
        List<MultiGauge.Row<?>> breakerRows = new ArrayList<>();
        for (String type : List.of("source", "trigger")) {
            for (String state : List.of("open", "half_open")) {
                breakerRows.add(MultiGauge.Row.of(Tags.of("entity_type", type, "state", state),
                        breakersByState.getOrDefault(List.of(type, state), 0L)));
            }
        }
        breakers.register(breakerRows, true);
    }

    /** Per entity type, the seconds since {@code since} (0 for a type without one), as gauge rows. */
    private static List<MultiGauge.Row<?>> ages(Map<String, Instant> since, Instant now) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (EntityType type : EntityType.values()) {
            double seconds = Optional.ofNullable(since.get(type.code()))
                    .map(at -> Math.max(0, Duration.between(at, now).toMillis() / 1000.0)).orElse(0.0);
            rows.add(MultiGauge.Row.of(Tags.of("entity_type", type.code()), seconds));
        }
        return rows;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
