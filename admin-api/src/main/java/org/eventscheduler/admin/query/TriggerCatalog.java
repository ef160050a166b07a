package org.eventscheduler.admin.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.trigger.InvalidTriggerException;
import org.eventscheduler.topology.trigger.Trigger;
import org.eventscheduler.topology.trigger.TriggerDefaults;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.eventscheduler.topology.trigger.TriggerDefinitions;

/**
 * The trigger definitions, read from the global {@code trigger-definitions} store (every instance holds
 * all of them) and compiled as the topology compiles them, so a rejected definition shows its problem.
 */
public final class TriggerCatalog {
    private final StreamsAccess streams;
    private final TriggerDefaults defaults;

    public TriggerCatalog(StreamsAccess streams, TriggerDefaults defaults) {
        this.streams = streams;
        this.defaults = defaults;
    }

    /**
     * One stored definition: valid (compiled) or rejected (with the problem).
     *
     * @param definition the definition, when it could be read
     * @param problem    why it is rejected, if it is
     */
    public record Entry(String id, Optional<TriggerDefinition> definition, Optional<Trigger> compiled,
                        Optional<String> problem) {
    }

    public List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store().all()) {
            while (all.hasNext()) {
                var entry = all.next();
                entries.add(entry(entry.key, entry.value));
            }
        }
        return entries;
    }

    public Optional<Entry> get(String id) {
        byte[] json = store().get(id);
        return json == null ? Optional.empty() : Optional.of(entry(id, json));
    }

    public Optional<Trigger> trigger(String id) {
        return get(id).flatMap(Entry::compiled);
    }

    public TriggerDefaults defaults() {
        return defaults;
    }

    private Entry entry(String id, byte[] json) {
        TriggerDefinition definition = null;
        try {
            definition = TriggerDefinitions.read(id, json);
            return new Entry(id, Optional.of(definition), Optional.of(TriggerDefinitions.compile(definition, defaults)),
                    Optional.empty());
        } catch (InvalidTriggerException e) {
            return new Entry(id, Optional.ofNullable(definition), Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.TRIGGER_DEFINITIONS,
                QueryableStoreTypes.keyValueStore()));
    }
}
