package org.eventscheduler.admin.query;

import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.guard.RateWindow;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.source.SourcePolicy;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.Trigger;
import org.eventscheduler.topology.trigger.TriggerHome;
import org.eventscheduler.topology.trigger.TriggerPolicy;

/** The limits that apply to an entity, to show its state against them. */
public final class EntityPolicies {
    private final RateWindow window;
    private final SourcePolicies sources;
    private final TriggerCatalog triggers;

    public EntityPolicies(RateWindow window, SourcePolicies sources, TriggerCatalog triggers) {
        this.window = window;
        this.sources = sources;
        this.triggers = triggers;
    }

    public GuardView sourceView(String id, GuardState state) {
        SourcePolicy policy = sources.policyFor(id);
        return GuardView.of(state, window, policy.rateLimit(), policy.breaker());
    }

    public GuardView triggerView(String id, GuardState state) {
        TriggerPolicy policy = triggers.policyOf(id);
        return GuardView.of(state, window, policy.rateLimit(), policy.breaker());
    }

    /** Where the state of a source or trigger lives: its stores, and the key whose partition owns it. */
    public record Home(TriggerHome.Stores stores, String partitionKey) {
    }

    /**
     * The home of {@code id}: a source's stores, by its id; a trigger's pinned to its source's task or
     * shared behind by-trigger, as its valid definition says ({@link TriggerHome}).
     */
    public Home home(EntityType type, String id) {
        return switch (type) {
            case SOURCE -> new Home(TriggerHome.Stores.SOURCES, id);
            case TRIGGER -> {
                TriggerHome home = triggers.trigger(id).map(Trigger::home)
                        .orElse(TriggerHome.shared());
                yield new Home(home.stores(), home.partitionKey(id));
            }
        };
    }
}
