package org.eventscheduler.topology.trigger;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.StoreNames;

/**
 * Which of the triggers whose state a trigger stage holds are still at home there. A trigger's home
 * moves when its definition changes: it gains, loses or changes its exact {@code source}. The stage
 * then lets go of the state it holds for it ({@link TriggerStage}).
 */
interface StageHomes {

    /** Notes that an input of the trigger reached this stage. */
    void seen(TriggerInput input);

    /** Whether the trigger's home is now elsewhere, so that its state here is the old home's. */
    boolean movedAway(String triggerId);

    /** The stage forgot the trigger's state. */
    void forgotten(String triggerId);

    /** Opens the homes of one stage's task. */
    @FunctionalInterface
    interface Factory {
        StageHomes open(ProcessorContext<?, ?> context, TriggerRegistry registry);
    }

    /** The stage behind {@code by-trigger}: home to every trigger that is not pinned. */
    Factory SHARED = (context, registry) -> new StageHomes() {
        @Override
        public void seen(TriggerInput input) {
        }

        @Override
        public boolean movedAway(String triggerId) {
            return TriggerHome.of(registry, triggerId) instanceof TriggerHome.Pinned;
        }

        @Override
        public void forgotten(String triggerId) {
        }
    };

    /**
     * The stage in a source task that starts shared triggers' matches from granted budget: a trigger is
     * at home there while it is defined and shared.
     */
    Factory GRANTED = (context, registry) -> new StageHomes() {
        @Override
        public void seen(TriggerInput input) {
        }

        @Override
        public boolean movedAway(String triggerId) {
            return registry.trigger(triggerId).map(trigger -> !(trigger.home() instanceof TriggerHome.Shared))
                    .orElse(true);
        }

        @Override
        public void forgotten(String triggerId) {
        }
    };

    /**
     * The stage of pinned triggers in the source stage's task: home to a trigger as long as it is pinned
     * to the source it was pinned to when its state was made here. That source is kept in the
     * changelogged {@code pinned-trigger-homes} store (written when it changes, not per match), since
     * the task cannot tell from a source id whether that source is one of its partition's.
     */
    Factory PINNED = (context, registry) -> new Pinned(context.getStateStore(StoreNames.PINNED_TRIGGER_HOMES), registry);

    /** See {@link #PINNED}. */
    final class Pinned implements StageHomes {
        private final KeyValueStore<String, String> sources;
        private final TriggerRegistry registry;
        /** What the store holds for the triggers seen since the task started: most inputs need no store read. */
        private final Map<String, String> known = new HashMap<>();

        Pinned(KeyValueStore<String, String> sources, TriggerRegistry registry) {
            this.sources = sources;
            this.registry = registry;
        }

        @Override
        public void seen(TriggerInput input) {
            String id = input.triggerId();
            String source = input instanceof TriggerInput.Match match ? match.source()
                    : TriggerHome.of(registry, id).pinnedSource().orElse(null);
            if (source == null || source.equals(known.get(id))) {
                return;
            }
            if (!source.equals(sources.get(id))) {
                sources.put(id, source);
            }
            known.put(id, source);
        }

        @Override
        public boolean movedAway(String triggerId) {
            TriggerHome home = TriggerHome.of(registry, triggerId);
            String source = known.computeIfAbsent(triggerId, sources::get);
            return source == null ? !(home instanceof TriggerHome.Pinned)
                    : !Objects.equals(home, new TriggerHome.Pinned(source));
        }

        @Override
        public void forgotten(String triggerId) {
            known.remove(triggerId);
            sources.delete(triggerId);
        }
    }
}
