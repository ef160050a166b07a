package org.eventscheduler.topology;

/**
 * Names of the state stores and internal topics, shared by the topology and the code that queries it.
 * Renaming one changes a changelog or repartition topic name and breaks upgrades: the golden test of
 * {@code topology.describe()} makes that visible.
 */
public final class StoreNames {
    /** Per source: its sliding-window counts and pause state. */
    public static final String SOURCE_STATES = "source-states";
    /** Sources that are paused (or shadow-paused), with their resume time: what the resume punctuator scans. */
    public static final String PAUSED_SOURCES = "paused-sources";
    /** Per trigger: its sliding-window counts, pause state and circuit breaker. */
    public static final String TRIGGER_STATES = "trigger-states";
    /** Triggers that are paused with a time to check (rate cooldown, operator until). */
    public static final String PAUSED_TRIGGERS = "paused-triggers";
    /** Events held back by their source's safeguards, by (source, queue, sequence number), until they come back. */
    public static final String HELD_SOURCES = "held-sources";
    /** Workflow starts held back by their trigger's safeguards, by (trigger, queue, sequence number). */
    public static final String HELD_TRIGGERS = "held-triggers";
    /**
     * Per trigger pinned to one source (its definition names an exact {@code source}): its guard state,
     * in the task of that source, beside the source's own.
     */
    public static final String PINNED_TRIGGER_STATES = "pinned-trigger-states";
    /** Pinned triggers that are paused with a time to check, in the task of their source. */
    public static final String PAUSED_PINNED_TRIGGERS = "paused-pinned-triggers";
    /** Workflow starts held back by a pinned trigger's safeguards, in the task of its source. */
    public static final String HELD_PINNED_TRIGGERS = "held-pinned-triggers";
    /** Each pinned trigger's source, as its task last saw it: where its state was made, to notice a move. */
    public static final String PINNED_TRIGGER_HOMES = "pinned-trigger-homes";
    /** Global: the raw JSON definition of every trigger, keyed by trigger id. */
    /**
     * The held matches, states and paused index of shared triggers at the source tasks that start them
     * from granted budget (sub-topology 1).
     */
    public static final String GRANTED_TRIGGER_STATES = "granted-trigger-states";
    /** See {@link #GRANTED_TRIGGER_STATES}. */
    public static final String PAUSED_GRANTED_TRIGGERS = "paused-granted-triggers";
    /** See {@link #GRANTED_TRIGGER_STATES}. */
    public static final String HELD_GRANTED_TRIGGERS = "held-granted-triggers";
    /** The starts the home of a shared trigger granted, per bucket of its window (behind by-trigger). */
    public static final String TRIGGER_GRANT_LEDGER = "trigger-grant-ledger";
    /** The budget a source task holds per shared trigger: the grant for one bucket, the demand it sent. */
    public static final String TRIGGER_BUDGETS = "trigger-budgets";
    public static final String TRIGGER_DEFINITIONS = "trigger-definitions";
    /**
     * The repartition topic that routes events whose key is not their source, and operator commands for
     * sources, to the source's partition.
     */
    public static final String BY_SOURCE = "by-source";
    /** The repartition topic that routes matches, start results and trigger commands to the trigger's partition. */
    public static final String BY_TRIGGER = "by-trigger";

    /**
     * The repartition topic that routes start results and operator commands of pinned triggers to the
     * partition of the trigger's source.
     */
    public static final String BY_TRIGGER_SOURCE = "by-trigger-source";

    private StoreNames() {
    }
}
