package org.eventscheduler.app.it;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.HeldWork;
import org.eventscheduler.topology.hold.HeldRecord;
import org.eventscheduler.topology.pause.EntityType;

/** Reads what an entity holds from a running instance's stores (interactive queries), for the integration tests. */
final class HeldWorkProbe {
    private HeldWorkProbe() {
    }

    /**
     * The records {@code id} holds on this instance, oldest first; empty when its state is not here.
     * Throws {@link InvalidStateStoreException} while the stores are not queryable: poll around it.
     */
    static List<HeldRecord> held(KafkaStreams streams, EntityType type, String id) {
        // a trigger's state is in the stores of its home: pinned to its source, or shared behind by-trigger
        for (TriggerHome.Stores home : TriggerHome.Stores.of(type)) {
            ReadOnlyKeyValueStore<String, GuardState> states = streams.store(StoreQueryParameters.fromNameAndType(
                    home.states(), QueryableStoreTypes.keyValueStore()));
            GuardState state = states.get(id);
            if (state != null) {
                ReadOnlyKeyValueStore<Bytes, byte[]> held = streams.store(StoreQueryParameters.fromNameAndType(
                        home.held(), QueryableStoreTypes.keyValueStore()));
                return new ArrayList<>(HeldWork.peek(held, id, state, Integer.MAX_VALUE));
            }
        }
        return List.of();
    }
}
