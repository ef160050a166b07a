package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseReason;

/** Reads this instance's {@link LocalStatus} from its local stores and meters. */
public final class LocalStatusReader {
    private final StreamsAccess streams;
    private final PausedIndex pausedIndex;
    private final SchedulerMetrics metrics;
    private final EntityPolicies policies;
    private final String instanceId;
    private final Supplier<MirrorReport> mirror;
    private final Clock clock;

    public LocalStatusReader(StreamsAccess streams, SchedulerMetrics metrics, EntityPolicies policies, String instanceId,
                             Supplier<MirrorReport> mirror, Clock clock) {
        this.streams = streams;
        this.pausedIndex = new PausedIndex(streams);
        this.mirror = mirror;
        this.metrics = metrics;
        this.policies = policies;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /**
     * The local status; never fails for a rebalance: when the stores cannot be read, the status says so
     * in {@link LocalStatus#pausedUnreadable} and carries everything else.
     */
    public LocalStatus read(int pausedLimit) {
        List<PausedEntity> paused = new ArrayList<>();
        HeldCollector held = new HeldCollector(pausedLimit);
        int sources = 0;
        int triggers = 0;
        Optional<String> unreadable = Optional.empty();
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
            try {
                sources = collect(EntityType.SOURCE, pausedLimit, paused, held);
                triggers = collect(EntityType.TRIGGER, pausedLimit, paused, held);
            } catch (InvalidStateStoreException e) {
                paused.clear();
                held = new HeldCollector(pausedLimit);
                sources = 0;
                triggers = 0;
                unreadable = Optional.of("stores not queryable: " + e.getMessage());
            }
        } else {
            unreadable = Optional.of("Kafka Streams is " + state + ", its stores are not queryable");
        }
        return new LocalStatus(instanceId, streams.self().host() + ":" + streams.self().port(), state,
                metrics.progress().latest(), paused, sources + triggers, sources, triggers, unreadable,
                metrics.recentDeadLetters().last(Duration.ofMinutes(5)), metrics.recentDeadLetters().last(Duration.ofHours(1)),
                metrics.recentThrottled().last(Duration.ofMinutes(5)), metrics.recentThrottled().last(Duration.ofHours(1)),
                mirror.get(), clock.instant(), held.longestWaiting(), held.entities, held.records, held.oldest);
    }

    /**
     * Reads one kind of paused entity, and the held work of every entity in the index (which lists every
     * entity that holds records); throws InvalidStateStoreException while the stores are not queryable.
     */
    private int collect(EntityType type, int limit, List<PausedEntity> out, HeldCollector held) {
        int[] total = {0};
        // a shared trigger may hold matches in several source tasks of this instance: listed once, added up
        Map<String, HeldEntity> holding = new LinkedHashMap<>();
        pausedIndex.forEach(type, (id, state) -> {
            if (state.isPaused()) {
                total[0]++;
                if (out.size() < limit) {
                    out.add(paused(type, id, view(type, id, state)));
                }
            }
            if (state.heldCount() > 0) {
                holding.merge(id, new HeldEntity(type.code(), id, state.isPaused() ? "PAUSED" : "ACTIVE",
                        state.heldCount(), state.heldKept(), state.oldestHeldAt(), state.nextHeldCheck()),
                        HeldEntity::with);
            }
        });
        holding.values().forEach(held::add);
        return total[0];
    }

    /** The entities holding records: counted all, the {@code limit} waiting longest kept. */
    private static final class HeldCollector {
        private static final Comparator<HeldEntity> LONGEST_WAITING = Comparator.comparing(
                (HeldEntity entity) -> entity.oldestHeldAt().orElse(Instant.MAX)).thenComparing(HeldEntity::key);
        private final int limit;
        /** The newest of those kept on top, to be pushed out first. */
        private final PriorityQueue<HeldEntity> kept = new PriorityQueue<>(LONGEST_WAITING.reversed());
        long entities;
        long records;
        Optional<Instant> oldest = Optional.empty();

        HeldCollector(int limit) {
            this.limit = limit;
        }

        void add(HeldEntity entity) {
            entities++;
            records += entity.records();
            entity.oldestHeldAt().ifPresent(at -> {
                if (oldest.isEmpty() || at.isBefore(oldest.get())) {
                    oldest = Optional.of(at);
                }
            });
            kept.add(entity);
            if (kept.size() > limit) {
                kept.poll();
            }
        }

        List<HeldEntity> longestWaiting() {
            return kept.stream().sorted(LONGEST_WAITING).toList();
        }
    }

    GuardView view(EntityType type, String id, GuardState state) {
        return switch (type) {
            case SOURCE -> policies.sourceView(id, state);
            case TRIGGER -> policies.triggerView(id, state);
        };
    }

    static PausedEntity paused(EntityType type, String id, GuardView view) {
        List<PauseCause> causes = view.causes();
        PauseReason reason;
        Optional<Instant> until;
        String actor = "scheduler";
        if (causes.contains(PauseCause.OPERATOR)) {
            reason = PauseReason.OPERATOR_PAUSE;
            until = view.operatorUntil();
            actor = view.operatorActor().orElse("operator");
        } else if (causes.contains(PauseCause.BREAKER)) {
            reason = PauseReason.ERROR_RATE;
            until = view.breakerOpenUntil();
        } else {
            reason = PauseReason.RATE_LIMIT_EXCEEDED;
            until = view.resumeAt();
        }
        return new PausedEntity(type.code(), id, causes, reason, view.pausedAt(), until, actor);
    }
}
