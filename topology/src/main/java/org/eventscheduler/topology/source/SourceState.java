package org.eventscheduler.topology.source;

/**
 * Everything the limiter knows about one source, held in the {@code source-states} store: its
 * sliding-window count, its over-limit streak and its pause state. Mutable: loaded, changed and
 * written back once per event.
 */
final class SourceState {
    enum Status {
        ACTIVE,
        PAUSED,
        /** Paused in shadow mode: recorded as paused, nothing held. */
        SHADOW_PAUSED
    }

    static final long NEVER = Long.MIN_VALUE;

    final SlidingCount window;
    Status status = Status.ACTIVE;
    /** The last bucket in which the count was over the limit, and how many consecutive buckets up to it were. */
    long overLimitBucket = NEVER;
    int overLimitStreak;
    long pausedAt = NEVER;
    long resumeAt = NEVER;
    long resumedAt = NEVER;
    int pauseCount;
    /** Correlation id of the event that tripped the current or last pause; empty when none. */
    String trippedBy = "";

    SourceState(SlidingCount window) {
        this.window = window;
    }

    boolean isPaused() {
        return status != Status.ACTIVE;
    }

    /** Records that the count is over the limit in {@code bucket}; returns the streak of consecutive buckets. */
    int markOverLimit(long bucket) {
        if (bucket != overLimitBucket) {
            overLimitStreak = overLimitBucket != NEVER && bucket == overLimitBucket + 1 ? overLimitStreak + 1 : 1;
            overLimitBucket = bucket;
        }
        return overLimitStreak;
    }

    /**
     * Whether nothing here affects a future decision any more, so the entry can be removed: active, no
     * event in the window, and the pause count would start again anyway.
     */
    boolean isForgettable(long nowMillis, long windowStartBucket, long pauseCountResetMillis) {
        return status == Status.ACTIVE
                && window.headBucket() < windowStartBucket
                && (resumedAt == NEVER || nowMillis - resumedAt > pauseCountResetMillis);
    }
}
