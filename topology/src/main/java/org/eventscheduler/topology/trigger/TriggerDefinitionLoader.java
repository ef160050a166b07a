package org.eventscheduler.topology.trigger;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * Keeps the global {@code trigger-definitions} store (the raw JSON of every trigger, for queries) and
 * the {@link TriggerRegistry} (the compiled triggers, for matching) in step with
 * {@code scheduler.triggers}. Runs on the global thread of every instance, so every instance matches
 * every event against every trigger.
 */
final class TriggerDefinitionLoader implements Processor<String, byte[], Void, Void> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TriggerDefinitionLoader.class);
    private final TriggerRegistry registry;
    private final SchedulerMetrics metrics;
    private KeyValueStore<String, byte[]> store;

    TriggerDefinitionLoader(TriggerRegistry registry, SchedulerMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.TRIGGER_DEFINITIONS);
        // the store may have been restored without passing through process(): load what it holds
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                registry.apply(entry.key, Optional.of(entry.value));
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            metrics.triggerDefinitionRejected();
            LOG.atError().addKeyValue("reason", "invalid-trigger")
                    .log("ignored a record of the triggers topic without a key: the key is the trigger id");
            return;
        }
        if (record.value() == null) {
            store.delete(id);
        } else {
            store.put(id, record.value());
        }
        registry.apply(id, Optional.ofNullable(record.value())).ifPresent(problem -> metrics.triggerDefinitionRejected());
    }
}
