package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.topology.failure.Failures;

/**
 * Builds the cluster-wide {@link HealthSnapshot} and {@link PausedList}: asks every instance of the
 * current assignment for its {@link LocalStatus} (itself locally, the others over HTTP) and the cluster
 * for the lag, all at once, and answers with what came back before one deadline ({@link Gather}). Never
 * waits longer than the thresholds' timeout, never fails: what is missing is listed and makes the
 * status at least DEGRADED.
 */
public final class HealthQuery implements AutoCloseable {
    private final StreamsAccess streams;
    private final LocalStatusReader local;
    private final PeerClient peers;
    private final IngressLagReader lag;
    private final Optional<MirrorLagReader> mirrorLag;
    private final HealthThresholds thresholds;
    private final HealthEvaluator evaluator;
    private final Clock clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** @param mirrorLag the mirror's lag, when a mirror is configured */
    public HealthQuery(StreamsAccess streams, LocalStatusReader local, PeerClient peers, IngressLagReader lag,
                       Optional<MirrorLagReader> mirrorLag, HealthThresholds thresholds, Clock clock) {
        this.streams = streams;
        this.local = local;
        this.peers = peers;
        this.lag = lag;
        this.mirrorLag = mirrorLag;
        this.thresholds = thresholds;
        this.evaluator = new HealthEvaluator(thresholds);
        this.clock = clock;
    }

    /**
     * Asks every instance of the current assignment for its local status (itself locally, the others
     * over HTTP); a peer that answers 404 has no status to give. What cannot be asked is added to {@code missing}.
     */
    private Map<HostInfo, CompletableFuture<LocalStatus>> askInstances(int pausedLimit, List<String> missing) {
        Map<HostInfo, CompletableFuture<LocalStatus>> questions = new LinkedHashMap<>();
        Collection<StreamsMetadata> instances;
        try {
            instances = streams.instances();
        } catch (RuntimeException e) {
            missing.add("cluster metadata: " + e.getMessage());
            instances = List.of();
        }
        for (StreamsMetadata instance : instances) {
            HostInfo host = instance.hostInfo();
            questions.put(host, host.equals(streams.self()) ? askSelf(pausedLimit)
                    : peers.get(host, "/internal/status?pausedLimit=" + pausedLimit, LocalStatus.class)
                            .thenApply(status -> status.orElseThrow(() -> new IllegalStateException("no status"))));
        }
        questions.computeIfAbsent(streams.self(), self -> askSelf(pausedLimit));
        return questions;
    }

    private CompletableFuture<LocalStatus> askSelf(int pausedLimit) {
        return CompletableFuture.supplyAsync(() -> local.read(pausedLimit), executor);
    }

    /** Every instance's local status gathered under {@code deadline}, with the statuses' own gaps in {@code missing}. */
    private Map<HostInfo, Gathered<LocalStatus>> gatherInstances(int pausedLimit, Deadline deadline,
                                                                 List<String> missing) {
        Map<HostInfo, Gathered<LocalStatus>> answers = Gather.all(askInstances(pausedLimit, missing), deadline);
        answers.forEach((host, answer) -> {
            switch (answer) {
                case Gathered.Answered<LocalStatus>(LocalStatus status) -> status.pausedUnreadable().ifPresent(reason ->
                        missing.add("instance " + status.endpoint() + ": paused entities not read: " + reason));
                case Gathered.Unavailable<LocalStatus>(String problem) ->
                        missing.add("instance " + endpoint(host) + ": " + problem);
            }
        });
        return answers;
    }

    /** The paused sources and triggers of the whole cluster, at most {@code limit} of them listed. */
    public PausedList paused(int limit) {
        List<String> missing = new ArrayList<>();
        Map<String, PausedEntity> entities = new LinkedHashMap<>();
        long total = 0;
        for (LocalStatus status : answered(gatherInstances(limit, Deadline.in(thresholds.timeout()), missing))) {
            total += status.pausedTotal();
            status.paused().forEach(entity -> entities.putIfAbsent(entity.key(), entity));
        }
        List<PausedEntity> list = entities.values().stream().limit(limit).toList();
        return new PausedList(total, list, total > list.size(), missing.isEmpty(), missing);
    }

    /** What the sources and triggers of the whole cluster hold back, the {@code limit} waiting longest listed. */
    public HeldList held(int limit) {
        List<String> missing = new ArrayList<>();
        HealthSnapshot.Held held = heldOf(answered(gatherInstances(limit, Deadline.in(thresholds.timeout()), missing)), limit);
        return new HeldList(held.entities(), held.records(), held.oldestHeldAt(), held.oldestAgeSeconds(),
                held.longestWaiting(), held.truncated(), missing.isEmpty(), missing);
    }

    /** The held work of the instances that answered, the {@code limit} waiting longest listed. */
    private HealthSnapshot.Held heldOf(List<LocalStatus> statuses, int limit) {
        Map<String, HeldEntity> entities = new LinkedHashMap<>();
        long count = 0;
        long records = 0;
        Optional<Instant> oldest = Optional.empty();
        for (LocalStatus status : statuses) {
            count += status.heldEntities();
            records += status.heldRecords();
            // an entity held in several instances' tasks (a shared trigger's matches) is listed once, added up
            status.held().forEach(entity -> entities.merge(entity.key(), entity, HeldEntity::with));
            if (status.heldOldestAt().isPresent()
                    && (oldest.isEmpty() || status.heldOldestAt().get().isBefore(oldest.get()))) {
                oldest = status.heldOldestAt();
            }
        }
        List<HeldEntity> list = entities.values().stream()
                .sorted(Comparator.comparing((HeldEntity entity) -> entity.oldestHeldAt().orElse(Instant.MAX))
                        .thenComparing(HeldEntity::key))
                .limit(limit).toList();
        Instant now = clock.instant();
        return new HealthSnapshot.Held(count, records, oldest,
                oldest.map(at -> Math.max(0, Duration.between(at, now).toMillis() / 1000.0)), list, count > list.size());
    }

    public HealthSnapshot snapshot() {
        Deadline deadline = Deadline.in(thresholds.timeout());
        List<String> missing = new ArrayList<>();
        int limit = thresholds.pausedListLimit();
        CompletableFuture<IngressLag> lagAsked = CompletableFuture.supplyAsync(
                () -> lag.read(thresholds.timeout()), executor);
        Optional<CompletableFuture<Long>> mirrorLagAsked = mirrorLag.map(reader -> CompletableFuture.supplyAsync(
                () -> reader.read(thresholds.timeout()), executor));
        Map<HostInfo, Gathered<LocalStatus>> answers = gatherInstances(limit, deadline, missing);
        List<HealthSnapshot.Instance> instances = new ArrayList<>();
        answers.forEach((host, answer) -> instances.add(switch (answer) {
            case Gathered.Answered<LocalStatus>(LocalStatus status) -> new HealthSnapshot.Instance(endpoint(host),
                    Optional.of(status.instance()), Optional.of(status.streamsState()), true, Optional.empty());
            case Gathered.Unavailable<LocalStatus>(String problem) -> new HealthSnapshot.Instance(endpoint(host),
                    Optional.empty(), Optional.empty(), false, Optional.of(problem));
        }));
        Optional<IngressLag> ingressLag = value(Gather.one(lagAsked, deadline), "ingress lag", missing);
        Optional<Long> mirrorRecords = mirrorLagAsked.flatMap(
                asked -> value(Gather.one(asked, deadline), "mirror lag", missing));
        return assemble(answered(answers), instances, ingressLag, mirrorRecords, missing, limit);
    }

    private static List<LocalStatus> answered(Map<HostInfo, Gathered<LocalStatus>> answers) {
        List<LocalStatus> statuses = new ArrayList<>();
        answers.values().forEach(answer -> {
            if (answer instanceof Gathered.Answered<LocalStatus>(LocalStatus status)) {
                statuses.add(status);
            }
        });
        return statuses;
    }

    /** The answer, or empty with the problem added to {@code missing}. */
    private static <T> Optional<T> value(Gathered<T> answer, String what, List<String> missing) {
        return switch (answer) {
            case Gathered.Answered<T>(T value) -> Optional.of(value);
            case Gathered.Unavailable<T>(String problem) -> {
                missing.add(what + ": " + problem);
                yield Optional.empty();
            }
        };
    }

    private static String endpoint(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private HealthSnapshot assemble(List<LocalStatus> statuses, List<HealthSnapshot.Instance> instances,
                                    Optional<IngressLag> ingressLag, Optional<Long> mirrorRecords, List<String> missing,
                                    int limit) {
        Map<Integer, Long> latest = new TreeMap<>();
        Map<String, PausedEntity> paused = new LinkedHashMap<>();
        long pausedTotal = 0;
        Map<String, Long> dlq5 = new TreeMap<>();
        Map<String, Long> dlqHour = new TreeMap<>();
        Map<String, Long> throttled5 = new TreeMap<>();
        Map<String, Long> throttledHour = new TreeMap<>();
        for (LocalStatus status : statuses) {
            status.latestEventTime().forEach((partition, time) -> latest.merge(partition, time, Math::max));
            status.paused().forEach(entity -> paused.putIfAbsent(entity.key(), entity));
            pausedTotal += status.pausedTotal();
            status.deadLettered5m().forEach((reason, count) -> dlq5.merge(reason, count, Long::sum));
            status.deadLetteredHour().forEach((reason, count) -> dlqHour.merge(reason, count, Long::sum));
            status.throttled5m().forEach((reason, count) -> throttled5.merge(reason, count, Long::sum));
            status.throttledHour().forEach((reason, count) -> throttledHour.merge(reason, count, Long::sum));
        }
        List<PausedEntity> pausedList = paused.values().stream().limit(limit).toList();
        // by type from each instance's own counts: the lists are capped, the counts are not
        long pausedSources = statuses.stream().mapToLong(LocalStatus::pausedSources).sum();
        long pausedTriggers = statuses.stream().mapToLong(LocalStatus::pausedTriggers).sum();

        List<HealthSnapshot.Partition> partitions = new ArrayList<>();
        Map<Integer, IngressLag.PartitionLag> lagByPartition = new TreeMap<>();
        ingressLag.ifPresent(l -> l.partitions().forEach(p -> lagByPartition.put(p.partition(), p)));
        java.util.Set<Integer> allPartitions = new java.util.TreeSet<>(lagByPartition.keySet());
        allPartitions.addAll(latest.keySet());
        for (int partition : allPartitions) {
            IngressLag.PartitionLag lagOf = lagByPartition.get(partition);
            partitions.add(new HealthSnapshot.Partition(partition,
                    Optional.ofNullable(lagOf).map(IngressLag.PartitionLag::lagRecords),
                    Optional.ofNullable(lagOf).map(IngressLag.PartitionLag::lagSeconds),
                    Optional.ofNullable(latest.get(partition)).map(Instant::ofEpochMilli)));
        }
        HealthSnapshot.Ingress ingress = new HealthSnapshot.Ingress(ingressLag.map(IngressLag::lagRecords),
                ingressLag.map(IngressLag::lagSeconds), ingressLag.map(IngressLag::queueDepth), partitions,
                latest.values().stream().max(Long::compare).map(Instant::ofEpochMilli));

        double dlqPerMinute = dlq5.values().stream().mapToLong(Long::longValue).sum() / 5.0;
        List<String> degraded = new ArrayList<>(missing);
        List<String> critical = new ArrayList<>();
        KafkaStreams.State own = streams.state();
        if (own != KafkaStreams.State.RUNNING) {
            degraded.add("this instance's Kafka Streams is " + own);
        }
        boolean anyRunning = statuses.stream().anyMatch(s -> s.streamsState() == KafkaStreams.State.RUNNING);
        statuses.stream().filter(s -> s.streamsState() != KafkaStreams.State.RUNNING)
                .forEach(s -> degraded.add("instance " + s.endpoint() + " is " + s.streamsState()));
        if (!anyRunning) {
            critical.add("no instance is RUNNING");
        }
        HealthSnapshot.Mirror mirror = mirrorOf(statuses, mirrorRecords);
        mirror.instances().stream().filter(m -> m.state() == MirrorReport.State.BACKING_OFF).forEach(m -> degraded.add(
                "mirror in " + m.instance() + " is backing off: " + m.lastError().orElse("database unavailable")));
        mirrorRecords.filter(records -> records >= thresholds.mirrorLagRecords()).ifPresent(records -> degraded.add(
                "mirror lag " + records + " records >= degraded threshold " + thresholds.mirrorLagRecords()));
        HealthSnapshot.Held held = heldOf(statuses, limit);
        HealthEvaluator.Evaluation evaluation = evaluator.evaluate(new HealthEvaluator.Measured(
                ingressLag.map(IngressLag::lagSeconds).orElse(0.0), dlqPerMinute, pausedTotal, held.records(),
                held.oldestAgeSeconds().orElse(0.0)), degraded, critical);
        return new HealthSnapshot(evaluation.status(), evaluation.reasons(), ingress,
                new HealthSnapshot.Paused(pausedSources, pausedTriggers, pausedTotal, pausedList,
                        pausedTotal > pausedList.size()), held,
                new HealthSnapshot.Counts(dlq5, dlqHour, dlqPerMinute),
                new HealthSnapshot.Counts(throttled5, throttledHour,
                        throttled5.values().stream().mapToLong(Long::longValue).sum() / 5.0),
                mirror, instances, thresholds, missing.isEmpty(), missing, clock.instant(),
                streams.self().host() + ":" + streams.self().port());
    }

    private HealthSnapshot.Mirror mirrorOf(List<LocalStatus> statuses, Optional<Long> mirrorRecords) {
        List<HealthSnapshot.MirrorInstance> running = statuses.stream()
                .filter(s -> s.mirror().state() != MirrorReport.State.OFF)
                .map(s -> new HealthSnapshot.MirrorInstance(s.instance(), s.mirror().state(), s.mirror().breakerState(),
                        s.mirror().lastError(), s.mirror().lastCommit()))
                .toList();
        return new HealthSnapshot.Mirror(mirrorLag.isPresent(), mirrorLag.map(MirrorLagReader::groupId), mirrorRecords,
                running);
    }

    static String rootMessage(Throwable error) {
        Throwable root = Failures.rootCause(error);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
