package org.eventscheduler.topology.trigger;

import java.util.Optional;
import org.eventscheduler.topology.guard.BreakerSettings;
import org.eventscheduler.topology.guard.RateLimit;
import org.eventscheduler.topology.hold.HoldSettings;

/** A validated, compiled trigger: ready to match events and to build workflow inputs. */
public final class Trigger {
    private final TriggerDefinition definition;
    private final Optional<ContentFilter> filter;
    private final InputTemplate.Builder input;
    private final TriggerPolicy policy;
    private final TriggerHome home;

    Trigger(TriggerDefinition definition, Optional<ContentFilter> filter, InputTemplate.Builder input,
            RateLimit rateLimit, BreakerSettings breaker, HoldSettings hold) {
        this.definition = definition;
        this.filter = filter;
        this.input = input;
        this.policy = new TriggerPolicy(rateLimit, breaker, hold);
        this.home = TriggerHome.of(definition);
    }

    /** Where its guard state lives ({@link TriggerHome}), decided once, from its definition. */
    public TriggerHome home() {
        return home;
    }

    public String id() {
        return definition.id();
    }

    public TriggerDefinition definition() {
        return definition;
    }

    public boolean enabled() {
        return definition.enabled().orElse(true);
    }

    public String workflow() {
        return definition.workflow();
    }

    public RateLimit rateLimit() {
        return policy.rateLimit();
    }

    public BreakerSettings breaker() {
        return policy.breaker();
    }

    /** Its rate limit and breaker, the defaults filled in for what its definition leaves out. */
    public TriggerPolicy policy() {
        return policy;
    }

    /** Evaluates the content filter on a candidate (its source and type already match); never fails on an event. */
    boolean matchesContent(EventEnvelope event) {
        return filter.map(f -> f.matches(event.data())).orElse(true);
    }

    /**
     * The workflow input for a matching event.
     *
     * @throws EventEnvelope.EventProblem when the event lacks a field the input is built from
     */
    byte[] buildInput(EventEnvelope event) {
        return input.build(event);
    }
}
