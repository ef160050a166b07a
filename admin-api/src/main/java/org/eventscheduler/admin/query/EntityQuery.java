package org.eventscheduler.admin.query;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;

/**
 * The state of one source or trigger, and what it holds back, read from the instance that owns its key
 * ({@code queryMetadataForKey}; a pinned trigger's key is its source's, {@link EntityPolicies#home}):
 * locally when that is this instance, else from the owner's {@code /internal} endpoint.
 */
public final class EntityQuery {
    private final StreamsAccess streams;
    private final EntityPolicies policies;
    private final PeerClient peers;
    private final int previewBytes;
    private final Clock clock;

    public EntityQuery(StreamsAccess streams, EntityPolicies policies, PeerClient peers, int previewBytes, Clock clock) {
        this.streams = streams;
        this.policies = policies;
        this.peers = peers;
        this.previewBytes = previewBytes;
        this.clock = clock;
    }

    /** The answer to a lookup. */
    public sealed interface Lookup<T> {
        /** The answer, and which instance served it. */
        record Found<T>(T value, String servedBy) implements Lookup<T> {
        }

        /** No state: never seen, or forgotten after a quiet hour. */
        record NotFound<T>() implements Lookup<T> {
        }

        /** The owner cannot answer now (rebalancing, or it did not answer). */
        record Unavailable<T>(String reason) implements Lookup<T> {
        }
    }

    public Lookup<GuardView> source(String id) {
        return lookup(EntityType.SOURCE, id, "/internal/sources/", GuardView.class, () -> local(EntityType.SOURCE, id));
    }

    public Lookup<GuardView> trigger(String id) {
        return lookup(EntityType.TRIGGER, id, "/internal/triggers/", GuardView.class, () -> local(EntityType.TRIGGER, id));
    }

    /** What {@code id} holds back, its first {@code limit} records listed. */
    public Lookup<HeldQueue> held(EntityType type, String id, int limit) {
        return lookup(type, id, "/internal/held/" + type.code() + "s/", HeldQueue.class, "?limit=" + limit,
                () -> localHeld(type, id, limit));
    }

    /** This instance's own state of a source or trigger; empty when it has none. */
    public Optional<GuardView> local(EntityType type, String id) {
        return state(type, id).map(state -> switch (type) {
            case SOURCE -> policies.sourceView(id, state);
            case TRIGGER -> policies.triggerView(id, state);
        });
    }

    /** What a source or trigger of this instance holds back; empty when it has no state here. */
    public Optional<HeldQueue> localHeld(EntityType type, String id, int limit) {
        return state(type, id).map(state -> {
            ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                    policies.home(type, id).stores().held(), QueryableStoreTypes.keyValueStore()));
            List<HeldRecord> records = HeldWork.peek(store, id, state, limit);
            List<HeldQueue.Entry> first = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                first.add(entry(records.get(i), i < state.heldKept()));
            }
            Instant now = clock.instant();
            GuardView view = local(type, id).orElseThrow();
            return new HeldQueue(type.code(), id, view.state(), state.heldCount(), state.heldKept(), state.oldestHeldAt(),
                    state.oldestHeldAt().map(at -> Math.max(0, Duration.between(at, now).toMillis() / 1000.0)),
                    state.nextHeldCheck(), first, self());
        });
    }

    private HeldQueue.Entry entry(HeldRecord record, boolean kept) {
        Header correlation = record.headers().lastHeader(SchedulerHeaders.CORRELATION_ID);
        return new HeldQueue.Entry(Instant.ofEpochMilli(record.heldAt()), record.reason(), kept,
                Optional.ofNullable(correlation).map(h -> new String(h.value(), StandardCharsets.UTF_8)),
                DlqReader.text(record.key(), previewBytes), DlqReader.text(record.value(), previewBytes),
                record.value().length);
    }

    private Optional<GuardState> state(EntityType type, String id) {
        ReadOnlyKeyValueStore<String, GuardState> states = streams.store(StoreQueryParameters.fromNameAndType(
                policies.home(type, id).stores().states(), QueryableStoreTypes.keyValueStore()));
        return Optional.ofNullable(states.get(id));
    }

    private String self() {
        return streams.self().host() + ":" + streams.self().port();
    }

    private <T> Lookup<T> lookup(EntityType type, String id, String path, Class<T> answer, Supplier<Optional<T>> local) {
        return lookup(type, id, path, answer, "", local);
    }

    private <T> Lookup<T> lookup(EntityType type, String id, String path, Class<T> answer, String query,
                                 Supplier<Optional<T>> local) {
        String what = type.code() + " " + id;
        KeyQueryMetadata owner;
        try {
            // the held stores are partitioned like the states: the owner of the state owns the held work; a
            // pinned trigger's state is in the task of its source, so its source's key finds the owner
            EntityPolicies.Home home = policies.home(type, id);
            owner = streams.ownerOf(home.stores().states(), home.partitionKey());
        } catch (RuntimeException e) {
            return new Lookup.Unavailable<>("no cluster metadata: " + e.getMessage());
        }
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Lookup.Unavailable<>("the owner of " + what + " is not known: a rebalance is under way");
        }
        HostInfo host = owner.activeHost();
        String servedBy = host.host() + ":" + host.port();
        if (host.equals(streams.self())) {
            try {
                return local.get().<Lookup<T>>map(value -> new Lookup.Found<>(value, servedBy))
                        .orElse(new Lookup.NotFound<>());
            } catch (InvalidStateStoreException e) {
                return new Lookup.Unavailable<>("the store of " + what + " is not queryable now: " + e.getMessage());
            }
        }
        try {
            Duration timeout = peers.timeout();
            return peers.get(host, path + PathSegments.encode(id) + query, answer)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .<Lookup<T>>map(value -> new Lookup.Found<>(value, servedBy))
                    .orElse(new Lookup.NotFound<>());
        } catch (TimeoutException e) {
            return new Lookup.Unavailable<>("the owner " + servedBy + " did not answer within " + peers.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Lookup.Unavailable<>("the owner " + servedBy + " did not answer: " + HealthQuery.rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unavailable<>("interrupted");
        }
    }
}
