package org.eventscheduler.topology.pause;

/** The state an entity is in after a paused-changelog record. */
public enum PauseState {
    PAUSED,
    ACTIVE
}
