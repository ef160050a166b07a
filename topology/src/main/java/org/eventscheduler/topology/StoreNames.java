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
    /** The repartition topic that routes events whose key is not their source to the source's partition. */
    public static final String EVENTS_BY_SOURCE = "events-by-source";

    private StoreNames() {
    }
}
