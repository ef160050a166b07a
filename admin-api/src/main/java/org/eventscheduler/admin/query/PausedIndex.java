package org.eventscheduler.admin.query;

import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.TriggerHome;

/**
 * The one walk over this instance's paused indexes: the ids of one entity type that may be paused (the
 * indexes of its active tasks; a trigger's in the stores of its home, pinned or shared), each with its
 * guard state. The index may still name an entity that has
 * since resumed: readers check {@link GuardState#isPaused()}.
 */
public final class PausedIndex {
    private final StreamsAccess streams;

    public PausedIndex(StreamsAccess streams) {
        this.streams = streams;
    }

    /** What the walk visits. */
    @FunctionalInterface
    public interface Visitor {
        void visit(String id, GuardState state);
    }

    /**
     * Visits every id of {@code type}'s paused index that has a guard state, in the index's order;
     * throws {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the stores are
     * not queryable (Kafka Streams not RUNNING, a rebalance).
     */
    public void forEach(EntityType type, Visitor visitor) {
        for (TriggerHome.Stores stores : TriggerHome.Stores.of(type)) {
            ReadOnlyKeyValueStore<String, Long> index;
            try {
                index = streams.store(StoreQueryParameters.fromNameAndType(stores.paused(),
                        QueryableStoreTypes.keyValueStore()));
            } catch (org.apache.kafka.streams.errors.UnknownStateStoreException notInThisTopology) {
                // the stores of granted budget exist only with triggers.shared-path: granted-budget
                continue;
            }
            ReadOnlyKeyValueStore<String, GuardState> states = streams.store(
                    StoreQueryParameters.fromNameAndType(stores.states(), QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, Long> entries = index.all()) {
                while (entries.hasNext()) {
                    String id = entries.next().key;
                    GuardState state = states.get(id);
                    if (state != null) {
                        visitor.visit(id, state);
                    }
                }
            }
        }
    }
}
