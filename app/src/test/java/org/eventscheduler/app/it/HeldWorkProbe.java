package org.eventscheduler.app.it;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.StoreNames;
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
        ReadOnlyKeyValueStore<String, GuardState> states = streams.store(StoreQueryParameters.fromNameAndType(
                type == EntityType.SOURCE ? StoreNames.SOURCE_STATES : StoreNames.TRIGGER_STATES,
                QueryableStoreTypes.keyValueStore()));
        GuardState state = states.get(id);
        if (state == null) {
            return List.of();
        }
        ReadOnlyKeyValueStore<Bytes, byte[]> held = streams.store(StoreQueryParameters.fromNameAndType(
                type == EntityType.SOURCE ? StoreNames.HELD_SOURCES : StoreNames.HELD_TRIGGERS,
                QueryableStoreTypes.keyValueStore()));
        return new ArrayList<>(HeldWork.peek(held, id, state, Integer.MAX_VALUE));
    }
}
