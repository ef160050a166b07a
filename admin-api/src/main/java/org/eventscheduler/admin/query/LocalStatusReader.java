package org.eventscheduler.admin.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/** Reads this instance's {@link LocalStatus} from its local stores and meters. */
public final class LocalStatusReader {
    private final StreamsAccess streams;
    private final SchedulerMetrics metrics;
    private final EntityPolicies policies;
    private final String instanceId;
    private final Supplier<MirrorReport> mirror;
    private final Clock clock;

    public LocalStatusReader(StreamsAccess streams, SchedulerMetrics metrics, EntityPolicies policies, String instanceId,
                             Supplier<MirrorReport> mirror, Clock clock) {
        this.streams = streams;
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
        int sources = 0;
        int triggers = 0;
        Optional<String> unreadable = Optional.empty();
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
            try {
                sources = collect("source", StoreNames.PAUSED_SOURCES, StoreNames.SOURCE_STATES, pausedLimit, paused);
                triggers = collect("trigger", StoreNames.PAUSED_TRIGGERS, StoreNames.TRIGGER_STATES, pausedLimit, paused);
            } catch (InvalidStateStoreException e) {
                paused.clear();
                sources = 0;
                triggers = 0;
                unreadable = Optional.of("stores not queryable: " + e.getMessage());
            }
        } else {
            unreadable = Optional.of("Kafka Streams is " + state + ", its stores are not queryable");
        }
        return new LocalStatus(instanceId, streams.self().host() + ":" + streams.self().port(), state.name(),
                metrics.progress().latest(), paused, sources + triggers, sources, triggers, unreadable,
                metrics.recentDeadLetters().last(Duration.ofMinutes(5)), metrics.recentDeadLetters().last(Duration.ofHours(1)),
                metrics.recentThrottled().last(Duration.ofMinutes(5)), metrics.recentThrottled().last(Duration.ofHours(1)),
                mirror.get(), clock.instant());
    }

    /** Reads one kind of paused entity; throws InvalidStateStoreException while the stores are not queryable. */
    private int collect(String type, String indexStore, String stateStore, int limit, List<PausedEntity> out) {
        ReadOnlyKeyValueStore<String, Long> index = streams.store(
                StoreQueryParameters.fromNameAndType(indexStore, QueryableStoreTypes.keyValueStore()));
        ReadOnlyKeyValueStore<String, GuardState> states = streams.store(
                StoreQueryParameters.fromNameAndType(stateStore, QueryableStoreTypes.keyValueStore()));
        int total = 0;
        try (KeyValueIterator<String, Long> entries = index.all()) {
            while (entries.hasNext()) {
                String id = entries.next().key;
                GuardState state = states.get(id);
                if (state == null || !state.isPaused()) {
                    continue;
                }
                total++;
                if (out.size() < limit) {
                    out.add(paused(type, id, view(type, id, state)));
                }
            }
        }
        return total;
    }

    GuardView view(String type, String id, GuardState state) {
        return type.equals("source") ? policies.sourceView(id, state) : policies.triggerView(id, state);
    }

    static PausedEntity paused(String type, String id, GuardView view) {
        List<PauseCause> causes = view.causes();
        String reason;
        Optional<Instant> until;
        String actor = "scheduler";
        if (causes.contains(PauseCause.OPERATOR)) {
            reason = "operator-pause";
            until = view.operatorUntil();
            actor = view.operatorActor().orElse("operator");
        } else if (causes.contains(PauseCause.BREAKER)) {
            reason = "error-rate";
            until = view.breakerOpenUntil();
        } else {
            reason = "rate-limit-exceeded";
            until = view.resumeAt();
        }
        return new PausedEntity(type, id, causes, reason, view.pausedAt(), until, actor);
    }
}
