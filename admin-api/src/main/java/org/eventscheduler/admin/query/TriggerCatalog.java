package org.eventscheduler.admin.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.eventscheduler.topology.trigger.TriggerPolicy;

/**
 * The trigger definitions, read from the global {@code trigger-definitions} store (every instance holds
 * all of them) and read and compiled as the topology reads and compiles them
 * ({@link TriggerDefinitions#fromRecord}), so a rejected definition shows its problem. A definition is
 * compiled once: again only when its stored bytes change.
 */
public final class TriggerCatalog {
    private final StreamsAccess streams;
    private final TriggerDefaults defaults;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    public TriggerCatalog(StreamsAccess streams, TriggerDefaults defaults) {
        this.streams = streams;
        this.defaults = defaults;
    }

    /**
     * One stored definition: valid (compiled) or rejected (with the problem).
     *
     * @param definition the definition, when it could be read (and names the id it is stored under)
     * @param problem    why it is rejected, if it is
     */
    public record Entry(String id, Optional<TriggerDefinition> definition, Optional<Trigger> compiled,
                        Optional<String> problem) {
    }

    /** The entry made of {@code json}, the stored bytes it was made of. */
    private record Compiled(byte[] json, Entry entry) {
    }

    public List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (KeyValueIterator<String, byte[]> all = store().all()) {
            while (all.hasNext()) {
                var entry = all.next();
                ids.add(entry.key);
                entries.add(entry(entry.key, entry.value));
            }
        }
        compiled.keySet().retainAll(ids);
        return entries;
    }

    public Optional<Entry> get(String id) {
        byte[] json = store().get(id);
        if (json == null) {
            compiled.remove(id);
            return Optional.empty();
        }
        return Optional.of(entry(id, json));
    }

    public Optional<Trigger> trigger(String id) {
        return get(id).flatMap(Entry::compiled);
    }

    public TriggerDefaults defaults() {
        return defaults;
    }

    /** What guards trigger {@code id}, looked up as the trigger stage looks it up. */
    public TriggerPolicy policyOf(String id) {
        return defaults.policyOf(trigger(id));
    }

    private Entry entry(String id, byte[] json) {
        Compiled known = compiled.get(id);
        if (known != null && Arrays.equals(known.json(), json)) {
            return known.entry();
        }
        Entry entry = compile(id, json);
        compiled.put(id, new Compiled(json, entry));
        return entry;
    }

    private Entry compile(String id, byte[] json) {
        TriggerDefinition definition = null;
        try {
            definition = TriggerDefinitions.fromRecord(id, json);
            Trigger trigger = TriggerDefinitions.compile(definition, defaults);
            return new Entry(id, Optional.of(definition), Optional.of(trigger), Optional.empty());
        } catch (InvalidTriggerException e) {
            return new Entry(id, Optional.ofNullable(definition), Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.TRIGGER_DEFINITIONS,
                QueryableStoreTypes.keyValueStore()));
    }
}
