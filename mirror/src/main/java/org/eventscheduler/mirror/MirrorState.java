package org.eventscheduler.mirror;

import java.util.Locale;

/** What the mirror is doing. */
public enum MirrorState {
    /** Started, not yet caught up once. */
    STARTING,
    /** Consuming and writing. */
    RUNNING,
    /** The database failed: consumption stopped (nothing skipped) until the breaker lets a batch through again. */
    BACKING_OFF,
    /** Closed. */
    STOPPED,
    /** Not configured ({@code mirror.jdbc-url} empty) or running in another process. */
    OFF;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
