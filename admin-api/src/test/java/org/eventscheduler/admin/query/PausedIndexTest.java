package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.pause.EntityType;
import org.junit.jupiter.api.Test;

class PausedIndexTest {
    private static final GuardState A = GuardState.fresh(0, 4);
    private static final GuardState C = GuardState.fresh(0, 4);
    private static final GuardState T = GuardState.fresh(0, 4);
    private static final GuardState P = GuardState.fresh(0, 4);
    private static final GuardState G = GuardState.fresh(0, 4);

    private final Map<String, Map<String, ?>> stores = Map.of(
            StoreNames.PAUSED_SOURCES, new TreeMap<>(Map.of("a", 1L, "b", 2L, "c", 3L)),
            StoreNames.SOURCE_STATES, new TreeMap<>(Map.of("a", A, "c", C, "not-indexed", GuardState.fresh(0, 4))),
            StoreNames.PAUSED_TRIGGERS, new TreeMap<>(Map.of("t", 1L)),
            StoreNames.TRIGGER_STATES, new TreeMap<>(Map.of("t", T)),
            StoreNames.PAUSED_PINNED_TRIGGERS, new TreeMap<>(Map.of("p", 1L)),
            StoreNames.PINNED_TRIGGER_STATES, new TreeMap<>(Map.of("p", P)),
            StoreNames.PAUSED_GRANTED_TRIGGERS, new TreeMap<>(Map.of("t", 2L)),
            StoreNames.GRANTED_TRIGGER_STATES, new TreeMap<>(Map.of("t", G)));

    /** Whether the topology has the stores of granted budget ({@code triggers.shared-path: granted-budget}). */
    private boolean withGrantedBudget = true;

    @Test
    void shouldSkipTheStoresOfGrantedBudgetInATopologyWithout() {
        withGrantedBudget = false;
        List<String> triggers = new ArrayList<>();
        new PausedIndex(new Stores()).forEach(EntityType.TRIGGER, (id, state) -> triggers.add(id));
        assertThat(triggers).containsExactly("t", "p");
    }

    @Test
    void shouldVisitTheIndexedIdsOfATypeThatHaveAState() {
        PausedIndex index = new PausedIndex(new Stores());
        List<String> sources = new ArrayList<>();
        List<String> triggers = new ArrayList<>();

        index.forEach(EntityType.SOURCE, (id, state) -> sources.add(id + (state == A ? "=A" : state == C ? "=C" : "=?")));
        index.forEach(EntityType.TRIGGER, (id, state) -> triggers.add(id + (state == T ? "=T" : state == P ? "=P"
                : state == G ? "=G" : "=?")));

        assertThat(sources).as("b is indexed without a state; not-indexed has no index entry").containsExactly("a=A", "c=C");
        assertThat(triggers).as("shared triggers' and pinned triggers' indexes, then what source tasks hold of"
                + " shared triggers' matches").containsExactly("t=T", "p=P", "t=G");
    }

    /** Local stores as maps, nothing else. */
    private final class Stores implements StreamsAccess {
        @Override
        public KafkaStreams.State state() {
            return KafkaStreams.State.RUNNING;
        }

        @Override
        public HostInfo self() {
            return new HostInfo("localhost", 1);
        }

        @Override
        public Collection<StreamsMetadata> instances() {
            return List.of();
        }

        @Override
        public KeyQueryMetadata ownerOf(String store, String key) {
            return KeyQueryMetadata.NOT_AVAILABLE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            if (!stores.containsKey(parameters.storeName()) || !withGrantedBudget
                    && parameters.storeName().contains("granted")) {
                throw new org.apache.kafka.streams.errors.UnknownStateStoreException(
                        "no store " + parameters.storeName() + " in this topology");
            }
            return (T) new MapStore<>((Map<String, Object>) stores.get(parameters.storeName()));
        }
    }

    private record MapStore<V>(Map<String, V> map) implements ReadOnlyKeyValueStore<String, V> {
        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, V> all() {
            Iterator<Map.Entry<String, V>> entries = map.entrySet().iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    Map.Entry<String, V> entry = entries.next();
                    return KeyValue.pair(entry.getKey(), entry.getValue());
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }
    }
}
