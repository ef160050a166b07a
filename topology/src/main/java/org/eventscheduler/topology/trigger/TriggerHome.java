package org.eventscheduler.topology.trigger;

import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.StoreNames;
import org.eventscheduler.topology.pause.EntityType;

/**
 * Where a trigger's guard state (window, breaker, pause causes, held starts) lives, and so which task
 * decides its starts. A trigger whose definition names one exact {@code source} sees events of that
 * source only, and events are partitioned by source: it is <em>pinned</em> to that source's task of the
 * source stage, which starts its workflows with no further hop. Any other trigger (a source prefix, or
 * any source) is <em>shared</em> by many sources and lives on the {@code by-trigger} topic's partition
 * of its id. Both are exact: one task sees every match of the trigger.
 */
public sealed interface TriggerHome {

    /** The stores its state is in. */
    Stores stores();

    /** The key whose partition owns the state: the source of a pinned trigger, the id of a shared one. */
    String partitionKey(String triggerId);

    /** The home of a trigger defined as {@code definition}. */
    static TriggerHome of(TriggerDefinition definition) {
        return definition.source().<TriggerHome>map(Pinned::new).orElse(Shared.INSTANCE);
    }

    /** The home of trigger {@code id} as {@code registry} knows it: shared when it is unknown or rejected. */
    static TriggerHome of(TriggerRegistry registry, String id) {
        return registry.trigger(id).map(Trigger::home).orElse(Shared.INSTANCE);
    }

    /** The home of a trigger this instance has no valid definition of: behind by-trigger, as the topology routes it. */
    static TriggerHome shared() {
        return Shared.INSTANCE;
    }

    /** Pinned to the task of {@code source}. */
    record Pinned(String source) implements TriggerHome {
        @Override
        public Stores stores() {
            return Stores.PINNED;
        }

        @Override
        public String partitionKey(String triggerId) {
            return source;
        }
    }

    /** On the partition of its own id, behind {@code by-trigger}. */
    record Shared() implements TriggerHome {
        static final Shared INSTANCE = new Shared();

        @Override
        public Stores stores() {
            return Stores.SHARED;
        }

        @Override
        public String partitionKey(String triggerId) {
            return triggerId;
        }
    }

    /** The names of the guard stores of one kind of home: the states, the paused index, the held work. */
    record Stores(String states, String paused, String held) {
        public static final Stores SOURCES = new Stores(StoreNames.SOURCE_STATES, StoreNames.PAUSED_SOURCES,
                StoreNames.HELD_SOURCES);
        public static final Stores SHARED = new Stores(StoreNames.TRIGGER_STATES, StoreNames.PAUSED_TRIGGERS,
                StoreNames.HELD_TRIGGERS);
        public static final Stores PINNED = new Stores(StoreNames.PINNED_TRIGGER_STATES,
                StoreNames.PAUSED_PINNED_TRIGGERS, StoreNames.HELD_PINNED_TRIGGERS);
        /** A shared trigger's matches held at the source tasks, waiting for budget its home grants. */
        public static final Stores GRANTED = new Stores(StoreNames.GRANTED_TRIGGER_STATES,
                StoreNames.PAUSED_GRANTED_TRIGGERS, StoreNames.HELD_GRANTED_TRIGGERS);

        /**
         * Where the states of one type of entity may be: the sources'; the triggers' of both homes, shared
         * first, then the shared triggers' matches held at source tasks for budget.
         */
        public static List<Stores> of(EntityType type) {
            return switch (type) {
                case SOURCE -> List.of(SOURCES);
                case TRIGGER -> List.of(SHARED, PINNED, GRANTED);
            };
        }

        /** The three names, for connecting a processor to them. */
        public String[] names() {
            return new String[] {states, paused, held};
        }
    }

    /** The source a pinned home is pinned to; empty for a shared one. */
    default Optional<String> pinnedSource() {
        return this instanceof Pinned pinned ? Optional.of(pinned.source()) : Optional.empty();
    }
}
