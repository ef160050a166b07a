package org.eventscheduler.admin.query;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;

/**
 * The state of one source or trigger, read from the instance that owns its key
 * ({@code queryMetadataForKey}): locally when that is this instance, else from the owner's
 * {@code /internal} endpoint.
 */
public final class EntityQuery {
    private final StreamsAccess streams;
    private final EntityPolicies policies;
    private final PeerClient peers;

    public EntityQuery(StreamsAccess streams, EntityPolicies policies, PeerClient peers) {
        this.streams = streams;
        this.policies = policies;
        this.peers = peers;
    }

    /** The answer to a lookup. */
    public sealed interface Lookup {
        /** The entity's state, and which instance served it. */
        record Found(GuardView view, String servedBy) implements Lookup {
        }

        /** No state: never seen, or forgotten after a quiet hour. */
        record NotFound() implements Lookup {
        }

        /** The owner cannot answer now (rebalancing, or it did not answer). */
        record Unavailable(String reason) implements Lookup {
        }
    }

    public Lookup source(String id) {
        return lookup("source", StoreNames.SOURCE_STATES, "/internal/sources/", id);
    }

    public Lookup trigger(String id) {
        return lookup("trigger", StoreNames.TRIGGER_STATES, "/internal/triggers/", id);
    }

    /** This instance's own state of a source or trigger; empty when it has none. */
    public Optional<GuardView> local(String type, String id) {
        String store = type.equals("source") ? StoreNames.SOURCE_STATES : StoreNames.TRIGGER_STATES;
        ReadOnlyKeyValueStore<String, GuardState> states = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
        GuardState state = states.get(id);
        if (state == null) {
            return Optional.empty();
        }
        return Optional.of(type.equals("source") ? policies.sourceView(id, state) : policies.triggerView(id, state));
    }

    private Lookup lookup(String type, String store, String path, String id) {
        KeyQueryMetadata owner;
        try {
            owner = streams.ownerOf(store, id);
        } catch (RuntimeException e) {
            return new Lookup.Unavailable("no cluster metadata: " + e.getMessage());
        }
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Lookup.Unavailable("the owner of " + type + " " + id + " is not known: a rebalance is under way");
        }
        HostInfo host = owner.activeHost();
        String servedBy = host.host() + ":" + host.port();
        if (host.equals(streams.self())) {
            try {
                return local(type, id).<Lookup>map(view -> new Lookup.Found(view, servedBy)).orElse(new Lookup.NotFound());
            } catch (InvalidStateStoreException e) {
                return new Lookup.Unavailable("the store of " + type + " " + id + " is not queryable now: " + e.getMessage());
            }
        }
        try {
            Duration timeout = peers.timeout();
            return peers.get(host, path + PathSegments.encode(id), GuardView.class)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .<Lookup>map(view -> new Lookup.Found(view, servedBy))
                    .orElse(new Lookup.NotFound());
        } catch (TimeoutException e) {
            return new Lookup.Unavailable("the owner " + servedBy + " did not answer within " + peers.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Lookup.Unavailable("the owner " + servedBy + " did not answer: " + HealthQuery.rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unavailable("interrupted");
        }
    }
}
