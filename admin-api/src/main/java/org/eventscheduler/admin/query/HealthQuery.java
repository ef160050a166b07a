package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.topology.failure.Failures;

/**
 * Builds the cluster-wide {@link HealthSnapshot}: asks every instance of the current assignment for its
 * {@link LocalStatus} (itself locally, the others over HTTP) and the cluster for the lag, all at once,
 * and answers with what came back before the deadline. Never waits longer than the thresholds'
 * timeout, never fails: what is missing is listed and makes the status at least DEGRADED.
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

    /** Every instance's local status, as far as they answered within the timeout. */
    public Map<HostInfo, CompletableFuture<Optional<LocalStatus>>> askInstances(int pausedLimit, List<String> missing) {
        Map<HostInfo, CompletableFuture<Optional<LocalStatus>>> answers = new LinkedHashMap<>();
        Collection<StreamsMetadata> instances;
        try {
            instances = streams.instances();
        } catch (RuntimeException e) {
            missing.add("cluster metadata: " + e.getMessage());
            instances = List.of();
        }
        for (StreamsMetadata instance : instances) {
            HostInfo host = instance.hostInfo();
            answers.put(host, host.equals(streams.self())
                    ? CompletableFuture.supplyAsync(() -> Optional.of(local.read(pausedLimit)), executor)
                    : peers.get(host, "/internal/status?pausedLimit=" + pausedLimit, LocalStatus.class));
        }
        if (!answers.containsKey(streams.self())) {
            answers.put(streams.self(), CompletableFuture.supplyAsync(() -> Optional.of(local.read(pausedLimit)), executor));
        }
        return answers;
    }

    /** How long a query waits for the instances. */
    public long timeoutMillis() {
        return thresholds.timeout().toMillis();
    }

    public HealthSnapshot snapshot() {
        long deadline = System.nanoTime() + thresholds.timeout().toNanos();
        List<String> missing = new ArrayList<>();
        int limit = thresholds.pausedListLimit();
        Map<HostInfo, CompletableFuture<Optional<LocalStatus>>> answers = askInstances(limit, missing);
        CompletableFuture<IngressLag> lagAnswer = CompletableFuture.supplyAsync(() -> {
            try {
                return lag.read(thresholds.timeout());
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, executor);
        Optional<CompletableFuture<Long>> mirrorLagAnswer = mirrorLag.map(reader -> CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(thresholds.timeout());
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, executor));

        List<HealthSnapshot.Instance> instances = new ArrayList<>();
        List<LocalStatus> statuses = new ArrayList<>();
        for (Map.Entry<HostInfo, CompletableFuture<Optional<LocalStatus>>> answer : answers.entrySet()) {
            String endpoint = answer.getKey().host() + ":" + answer.getKey().port();
            try {
                Optional<LocalStatus> status = answer.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
                LocalStatus value = status.orElseThrow(() -> new IllegalStateException("no status"));
                statuses.add(value);
                instances.add(new HealthSnapshot.Instance(endpoint, Optional.of(value.instance()),
                        Optional.of(value.streamsState()), true, Optional.empty()));
            } catch (TimeoutException e) {
                answer.getValue().cancel(true);
                missing.add("instance " + endpoint + ": no answer within " + thresholds.timeout().toMillis() + " ms");
                instances.add(new HealthSnapshot.Instance(endpoint, Optional.empty(), Optional.empty(), false,
                        Optional.of("no answer within " + thresholds.timeout().toMillis() + " ms")));
            } catch (ExecutionException | RuntimeException e) {
                String problem = e instanceof ExecutionException ? rootMessage(e.getCause()) : rootMessage(e);
                missing.add("instance " + endpoint + ": " + problem);
                instances.add(new HealthSnapshot.Instance(endpoint, Optional.empty(), Optional.empty(), false,
                        Optional.of(problem)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing.add("instance " + endpoint + ": interrupted");
            }
        }
        Optional<IngressLag> ingressLag = Optional.empty();
        try {
            ingressLag = Optional.of(lagAnswer.get(remaining(deadline), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            lagAnswer.cancel(true);
            missing.add("ingress lag: the cluster did not answer within " + thresholds.timeout().toMillis() + " ms");
        } catch (ExecutionException | RuntimeException e) {
            missing.add("ingress lag: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            missing.add("ingress lag: interrupted");
        }
        Optional<Long> mirrorRecords = Optional.empty();
        if (mirrorLagAnswer.isPresent()) {
            try {
                mirrorRecords = Optional.of(mirrorLagAnswer.get().get(remaining(deadline), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                mirrorLagAnswer.get().cancel(true);
                missing.add("mirror lag: the cluster did not answer within " + thresholds.timeout().toMillis() + " ms");
            } catch (ExecutionException | RuntimeException e) {
                missing.add("mirror lag: " + rootMessage(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing.add("mirror lag: interrupted");
            }
        }
        return assemble(statuses, instances, ingressLag, mirrorRecords, missing, limit);
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
            status.pausedUnreadable().ifPresent(reason -> missing.add("instance " + status.endpoint()
                    + ": paused entities not read: " + reason));
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
        boolean anyRunning = statuses.stream().anyMatch(s -> s.streamsState().equals(KafkaStreams.State.RUNNING.name()));
        statuses.stream().filter(s -> !s.streamsState().equals(KafkaStreams.State.RUNNING.name()))
                .forEach(s -> degraded.add("instance " + s.endpoint() + " is " + s.streamsState()));
        if (!anyRunning) {
            critical.add("no instance is RUNNING");
        }
        HealthSnapshot.Mirror mirror = mirrorOf(statuses, mirrorRecords);
        mirror.instances().stream().filter(m -> m.state().equals("backing_off")).forEach(m -> degraded.add(
                "mirror in " + m.instance() + " is backing off: " + m.lastError().orElse("database unavailable")));
        mirrorRecords.filter(records -> records >= thresholds.mirrorLagRecords()).ifPresent(records -> degraded.add(
                "mirror lag " + records + " records >= degraded threshold " + thresholds.mirrorLagRecords()));
        HealthEvaluator.Evaluation evaluation = evaluator.evaluate(ingressLag.map(IngressLag::lagSeconds).orElse(0.0),
                dlqPerMinute, (int) Math.min(Integer.MAX_VALUE, pausedTotal), degraded, critical);
        return new HealthSnapshot(evaluation.status(), evaluation.reasons(), ingress,
                new HealthSnapshot.Paused(pausedSources, pausedTriggers, pausedTotal, pausedList,
                        pausedTotal > pausedList.size()),
                new HealthSnapshot.Counts(dlq5, dlqHour, dlqPerMinute),
                new HealthSnapshot.Counts(throttled5, throttledHour,
                        throttled5.values().stream().mapToLong(Long::longValue).sum() / 5.0),
                mirror, instances, thresholds, missing.isEmpty(), missing, clock.instant(),
                streams.self().host() + ":" + streams.self().port());
    }

    private HealthSnapshot.Mirror mirrorOf(List<LocalStatus> statuses, Optional<Long> mirrorRecords) {
        List<HealthSnapshot.MirrorInstance> running = statuses.stream()
                .filter(s -> !s.mirror().state().equals("off"))
                .map(s -> new HealthSnapshot.MirrorInstance(s.instance(), s.mirror().state(), s.mirror().breakerState(),
                        s.mirror().lastError(), s.mirror().lastCommit()))
                .toList();
        return new HealthSnapshot.Mirror(mirrorLag.isPresent(), mirrorLag.map(MirrorLagReader::groupId), mirrorRecords,
                running);
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
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
