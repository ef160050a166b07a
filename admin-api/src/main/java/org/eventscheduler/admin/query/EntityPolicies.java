package org.eventscheduler.admin.query;

import org.eventscheduler.topology.guard.GuardState;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.guard.RateWindow;
import org.eventscheduler.topology.source.SourcePolicies;
import org.eventscheduler.topology.source.SourcePolicy;
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
}
