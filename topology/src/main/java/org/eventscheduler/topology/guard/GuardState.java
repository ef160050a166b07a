package org.eventscheduler.topology.guard;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.eventscheduler.topology.pause.PauseCause;

/**
 * Everything the scheduler knows about one guarded entity (a source or a trigger), stored as one value
 * in the entity's state store: its sliding-window count and over-limit streak, why it is paused, and
 * its circuit breaker. Loaded, changed and written back once per record. Fields are package-private
 * and changed only inside {@code guard/}: by {@link EntityGuard} (rate, pauses, operator), by
 * {@link Breaker} (the breaker's state as resilience4j moves it) and by {@link GuardStateSerde} (reading
 * them from the store).
 */
public final class GuardState {
    static final long NEVER = Long.MIN_VALUE;

    final SlidingCount window;
    long overLimitBucket = NEVER;
    int overLimitStreak;

    int causes;
    int shadowCauses;
    long pausedAt = NEVER;
    long rateResumeAt = NEVER;
    long resumedAt = NEVER;
    int pauseCount;
    /** Correlation id of the event that tripped the latest pause; empty when none. */
    String trippedBy = "";

    long operatorUntil = NEVER;
    String operatorActor = "";
    String operatorReason = "";

    Breaker.State breakerState = Breaker.State.CLOSED;
    long breakerOpenUntil = NEVER;
    int halfOpenProbes;
    private BreakerHistory history;
    private byte[] storedHistory;

    GuardState(SlidingCount window) {
        this.window = window;
    }

    /** A new entity, first seen in {@code bucket}. */
    public static GuardState fresh(long bucket, int buckets) {
        return new GuardState(SlidingCount.empty(bucket, buckets));
    }

    /** Records that the count is over the limit in {@code bucket}; returns the streak of consecutive buckets. */
    int markOverLimit(long bucket) {
        if (bucket != overLimitBucket) {
            overLimitStreak = overLimitBucket != NEVER && bucket == overLimitBucket + 1 ? overLimitStreak + 1 : 1;
            overLimitBucket = bucket;
        }
        return overLimitStreak;
    }

    /** Whether being over the limit in {@code bucket} starts a new streak (call before {@link #markOverLimit}). */
    boolean startsOverLimitStreak(long bucket) {
        return bucket != overLimitBucket && (overLimitBucket == NEVER || bucket != overLimitBucket + 1);
    }

    boolean has(PauseCause cause) {
        return (causes & cause.bit()) != 0;
    }

    boolean hasShadow(PauseCause cause) {
        return (shadowCauses & cause.bit()) != 0;
    }

    /** Records counted in the window ending at the entity's newest bucket. */
    public long windowCount() {
        return window.total();
    }

    /** The breaker's state: CLOSED, OPEN or HALF_OPEN. */
    public String breakerState() {
        return breakerState.name();
    }

    /** Whether at least one cause holds: the entity's records are held. */
    public boolean isPaused() {
        return causes != 0;
    }

    /** While paused: when the current pause began (the record time of the record that paused it). */
    public Optional<Instant> pausedSince() {
        return isPaused() && pausedAt != NEVER ? Optional.of(Instant.ofEpochMilli(pausedAt)) : Optional.empty();
    }

    /** The breaker's recorded calls; read from the stored bytes with the entity's current settings. */
    BreakerHistory history(BreakerSettings settings) {
        if (history == null) {
            history = storedHistory == null ? BreakerHistory.empty(settings, breakerState)
                    : BreakerHistory.read(ByteBuffer.wrap(storedHistory), settings, breakerState);
            storedHistory = null;
        }
        return history;
    }

    /**
     * Whether nothing here can affect a future decision, so the entry can be removed: not paused in any
     * way, no event in the window, a closed breaker with no failure, and the pause count would start
     * again anyway.
     */
    public boolean isForgettable(long nowMillis, long windowStartBucket, long pauseCountResetMillis) {
        return causes == 0 && shadowCauses == 0
                && window.headBucket() < windowStartBucket
                && breakerState == Breaker.State.CLOSED
                && (history == null ? storedHistory == null : history.failures() == 0)
                && (resumedAt == NEVER || nowMillis - resumedAt > pauseCountResetMillis);
    }

    /** Starts the breaker's history anew for the state it is now in (after a transition). */
    void resetHistory(BreakerSettings settings) {
        history = BreakerHistory.empty(settings, breakerState);
        storedHistory = null;
    }

    byte[] historyBytes() {
        if (history != null) {
            ByteBuffer buffer = ByteBuffer.allocate(history.byteSize());
            history.write(buffer);
            return buffer.array();
        }
        return storedHistory;
    }

    void storedHistory(byte[] bytes) {
        this.storedHistory = bytes;
        this.history = null;
    }
}
