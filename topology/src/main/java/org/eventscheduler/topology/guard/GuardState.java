package org.eventscheduler.topology.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.eventscheduler.topology.pause.PauseCause;

/**
 * Everything the scheduler knows about one guarded entity (a source or a trigger), stored as one value
 * in the entity's state store: its sliding-window count and over-limit streak, why it is paused, and
 * its circuit breaker. Loaded, changed and written back once per record, through
 * {@link GuardStores#update}. It is the one owner of its fields: {@link EntityGuard} (the rules) and
 * {@link Breaker} (resilience4j's transitions) read them in {@code guard/}, and change them only through
 * the methods here, each of which keeps the fields consistent with each other; its binary form is
 * written and read here too.
 */
public final class GuardState {
    static final long NEVER = Long.MIN_VALUE;
    private static final byte VERSION = 3;
    private static final byte VERSION_2 = 2;

    final SlidingCount window;
    /** Records let through (admitted, started, released): what the rate limit holds over. */
    StartWindow starts;
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

    /**
     * Held work, in two queues of consecutive sequence numbers ({@link HeldWork}): the live one, which
     * new work waits in and which is released at the limit, and the other, which holds what a resume
     * kept ({@code hold.on-resume: keep}) until an operator acts. Per queue: the sequence number of its
     * oldest record, the next one, and when its oldest record was held.
     */
    final long[] heldHead = {0, 0};
    final long[] heldTail = {0, 0};
    final long[] heldOldestAt = {NEVER, NEVER};
    /**
     * Per queue, the sequence number of the first record of the page that holds its oldest record, and of
     * the page new records go to ({@link org.eventscheduler.topology.hold.HeldPage}): both the queue's
     * next number while it holds nothing.
     */
    final long[] heldHeadPage = {0, 0};
    final long[] heldTailPage = {0, 0};
    int liveQueue;
    /** When the held work next needs a look (a release, an expiry); {@link #NEVER} when nothing is held. */
    long heldCheckAt = NEVER;
    /** Records an operator's release still lets go, whatever the entity's pause and window; 0 when none. */
    long operatorRelease;
    /** The pace of that release, records a second; 0 when it goes as fast as the stage looks. */
    int operatorRate;
    /** When a paced release may let its next record go, in microseconds of record time. */
    long operatorNextAtMicros;
    /** The current hold episode (since the entity last held nothing), for the audit notices. */
    final HoldEpisode episode = new HoldEpisode();

    GuardState(SlidingCount window, StartWindow starts) {
        this.window = window;
        this.starts = starts;
    }

    /** A new entity, first seen in {@code bucket}. */
    public static GuardState fresh(long bucket, int buckets) {
        return new GuardState(SlidingCount.empty(bucket, buckets), StartWindow.empty(bucket, buckets));
    }

    /** Records held by the entity, in both queues. */
    public long heldCount() {
        return heldIn(0) + heldIn(1);
    }

    /** Records held in the live queue: released at the limit as the entity allows. */
    public long heldLive() {
        return heldIn(liveQueue);
    }

    /** Records a resume kept: held until an operator releases or discards them, or they expire. */
    public long heldKept() {
        return heldIn(1 - liveQueue);
    }

    /** When the oldest record it holds was held. */
    public Optional<Instant> oldestHeldAt() {
        long oldest = Long.MAX_VALUE;
        for (int queue = 0; queue < 2; queue++) {
            if (heldIn(queue) > 0) {
                oldest = Math.min(oldest, heldOldestAt[queue]);
            }
        }
        return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
    }

    /** When its held work is next looked at: a release as the window makes room, or an expiry. */
    public Optional<Instant> nextHeldCheck() {
        return heldCheckAt == NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(heldCheckAt));
    }

    long heldIn(int queue) {
        return heldTail[queue] - heldHead[queue];
    }

    /** Counts a record in {@code bucket}; returns the count over the window. */
    long count(long bucket) {
        window.add(bucket);
        return window.total();
    }

    /** Counts {@code n} records in {@code bucket}; returns the count over the window. */
    long count(long bucket, int n) {
        window.add(bucket, n);
        return window.total();
    }

    /** Moves the window on to {@code bucket} (time passed without a record); returns the count over it. */
    long advanceTo(long bucket) {
        window.advanceTo(bucket);
        return window.total();
    }

    /**
     * {@code cause} now holds ({@code shadow}: only as a shadow decision), tripped by the record with
     * {@code correlationId}; a real pause that begins now begins at {@code now}.
     */
    void trip(PauseCause cause, boolean shadow, long now, String correlationId) {
        if (shadow) {
            shadowCauses |= cause.bit();
        } else {
            if (!isPaused()) {
                pausedAt = now;
            }
            causes |= cause.bit();
        }
        trippedBy = correlationId;
    }

    /** {@code cause} no longer holds ({@code shadow}: as a shadow decision); when none holds, resumed at {@code now}. */
    void clear(PauseCause cause, boolean shadow, long now) {
        if (shadow) {
            shadowCauses &= ~cause.bit();
        } else {
            causes &= ~cause.bit();
            if (!isPaused()) {
                resumedAt = now;
            }
        }
    }

    /**
     * A rate pause (or its shadow) starts at {@code now}: one more in the pause count (which starts
     * again after {@code pause-count-reset-after} without a pause), the cooldown that count earns, and
     * a new over-limit streak afterwards.
     */
    void pauseForRate(long now, PausePolicy policy, boolean shadow, String correlationId) {
        if (resumedAt != NEVER && now - resumedAt > policy.pauseCountResetAfter().toMillis()) {
            pauseCount = 0;
        }
        pauseCount++;
        rateResumeAt = now + policy.cooldownFor(pauseCount).toMillis();
        overLimitBucket = NEVER;
        overLimitStreak = 0;
        trip(PauseCause.RATE, shadow, now, correlationId);
    }

    /** An operator paused the entity at {@code now}, until {@code until} ({@link #NEVER}: until a resume). */
    void pauseByOperator(String actor, String reason, long until, long now, String correlationId) {
        operatorActor = actor;
        operatorReason = reason;
        operatorUntil = until;
        trip(PauseCause.OPERATOR, false, now, correlationId);
    }

    /**
     * An operator resumed the entity at {@code now}: every cause is cleared and the over-limit streak
     * starts again; the operator's figures stay for the record of the resume ({@link #forgetOperator}).
     */
    void resumeByOperator(String actor, String reason, long now) {
        causes = 0;
        overLimitBucket = NEVER;
        overLimitStreak = 0;
        operatorUntil = NEVER;
        operatorActor = actor;
        operatorReason = reason;
        resumedAt = now;
    }

    /** The operator's pause reached its {@code until} at {@code now}. */
    void endOperatorPause(long now) {
        operatorUntil = NEVER;
        clear(PauseCause.OPERATOR, false, now);
    }

    /** Forgets who paused or resumed it, once the record of that has been written. */
    void forgetOperator() {
        operatorActor = "";
        operatorReason = "";
    }

    /**
     * resilience4j moved the breaker to {@code target}; an open breaker waits until {@code openUntil}.
     * No probe is handed out in the new state yet, and its history starts anew.
     */
    void breakerMoved(Breaker.State target, long openUntil, BreakerSettings settings) {
        breakerState = target;
        breakerOpenUntil = target == Breaker.State.OPEN ? openUntil : NEVER;
        halfOpenProbes = 0;
        resetHistory(settings);
    }

    /** The half-open breaker handed out one more probe. */
    void countProbe() {
        halfOpenProbes++;
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

    /** Whether the breaker lets every call through (neither open nor half-open). */
    public boolean isBreakerClosed() {
        return breakerState == Breaker.State.CLOSED;
    }

    /** Whether at least one cause holds: the entity's records are held. */
    /** An operator's pause in force: who, why, and until when (empty: until a resume). */
    public record OperatorPause(String actor, String reason, Optional<Instant> until) {
    }

    /** The operator's pause, when one is among the entity's causes. */
    public Optional<OperatorPause> operatorPause() {
        return has(PauseCause.OPERATOR) ? Optional.of(new OperatorPause(operatorActor, operatorReason,
                operatorUntil == NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(operatorUntil))))
                : Optional.empty();
    }

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
     * way, no event in the window, a closed breaker with no failure in its window (read with the entity's
     * {@code breaker} settings), and the pause count would start again anyway.
     */
    public boolean isForgettable(long nowMillis, long windowStartBucket, long pauseCountResetMillis,
                                 BreakerSettings breaker) {
        return causes == 0 && shadowCauses == 0
                && heldCount() == 0
                && window.headBucket() < windowStartBucket
                && starts.isEmptySince(windowStartBucket - 1)
                && breakerState == Breaker.State.CLOSED
                && (history == null && storedHistory == null || history(breaker).failures() == 0)
                && (resumedAt == NEVER || nowMillis - resumedAt > pauseCountResetMillis);
    }

    /** Starts the breaker's history anew for the state it is now in (after a transition). */
    private void resetHistory(BreakerSettings settings) {
        history = BreakerHistory.empty(settings, breakerState);
        storedHistory = null;
    }

    private byte[] historyBytes() {
        if (history != null) {
            ByteBuffer buffer = ByteBuffer.allocate(history.byteSize());
            history.write(buffer);
            return buffer.array();
        }
        return storedHistory;
    }

    private void storedHistory(byte[] bytes) {
        this.storedHistory = bytes;
        this.history = null;
    }

    /**
     * The compact binary form, read and written on every record (and in the changelog).
     * Layout, version 2: version, causes, shadow causes, window (head bucket, bucket count, counts),
     * over-limit bucket and streak, paused-at, rate resume-at, resumed-at, pause count, tripped-by,
     * operator until / actor / reason, breaker state, open-until, half-open probes, breaker history
     * (length-prefixed, read lazily with the entity's breaker settings); version 3 adds the starts
     * window ({@link StartWindow#write}: head bucket, then per bucket its count and when its last record
     * went) and a held-work flag, followed, when set, by the two queues (head,
     * tail, oldest held-at, first record of the head page and of the tail page), the live queue, the next check, the episode and an operator's release
     * (records left, records a second, when the next may go). Strings are length-prefixed
     * UTF-8. A stored window with another bucket count than configured (the window was reconfigured) is
     * read as empty; a version-2 value is read with starts equal to its counts (each bucket's last at its
     * end) and nothing held.
     */
    byte[] toBytes() {
        byte[] tripped = utf8(trippedBy);
        byte[] actor = utf8(operatorActor);
        byte[] reason = utf8(operatorReason);
        byte[] historyBytes = historyBytes();
        int size = 1 + 1 + 1 + 8 + 4 + 4 * window.buckets() + 8 + 4 + 8 + 8 + 8 + 4 + 4 + tripped.length
                + 8 + 4 + actor.length + 4 + reason.length + 1 + 8 + 4 + 4 + (historyBytes == null ? 0 : historyBytes.length)
                + StartWindow.byteSize(window.buckets()) + 1;
        boolean holds = heldCount() > 0 || episode.isOpen();
        byte[] episodeReason = holds ? utf8(episode.reason) : null;
        byte[] episodeCorrelation = holds ? utf8(episode.correlationId) : null;
        if (holds) {
            size += 10 * 8 + 1 + 8 + 8 + 4 + episodeReason.length + 4 + episodeCorrelation.length + 5 * 8 + 8 + 4 + 8;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(VERSION).put((byte) causes).put((byte) shadowCauses)
                .putLong(window.headBucket()).putInt(window.buckets());
        for (int slot = 0; slot < window.buckets(); slot++) {
            buffer.putInt(window.countIn(slot));
        }
        buffer.putLong(overLimitBucket).putInt(overLimitStreak)
                .putLong(pausedAt).putLong(rateResumeAt).putLong(resumedAt)
                .putInt(pauseCount).putInt(tripped.length).put(tripped)
                .putLong(operatorUntil).putInt(actor.length).put(actor).putInt(reason.length).put(reason)
                .put((byte) breakerState.ordinal()).putLong(breakerOpenUntil).putInt(halfOpenProbes);
        if (historyBytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(historyBytes.length).put(historyBytes);
        }
        starts.write(buffer);
        buffer.put((byte) (holds ? 1 : 0));
        if (holds) {
            for (int queue = 0; queue < 2; queue++) {
                buffer.putLong(heldHead[queue]).putLong(heldTail[queue]).putLong(heldOldestAt[queue])
                        .putLong(heldHeadPage[queue]).putLong(heldTailPage[queue]);
            }
            buffer.put((byte) liveQueue).putLong(heldCheckAt).putLong(episode.since)
                    .putInt(episodeReason.length).put(episodeReason)
                    .putInt(episodeCorrelation.length).put(episodeCorrelation)
                    .putLong(episode.held).putLong(episode.released).putLong(episode.expired)
                    .putLong(episode.overflowed).putLong(episode.discarded).putLong(operatorRelease)
                    .putInt(operatorRate).putLong(operatorNextAtMicros);
        }
        return buffer.array();
    }

    /** Reads the binary form of {@link #toBytes()}; a window of another bucket count than {@code rateWindow}'s is read as empty. */
    static GuardState fromBytes(byte[] bytes, RateWindow rateWindow) {
        int buckets = rateWindow.buckets();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        if (version != VERSION && version != VERSION_2) {
            throw new SerializationException("unknown guard-state version " + version);
        }
        int causes = buffer.get();
        int shadowCauses = buffer.get();
        long headBucket = buffer.getLong();
        int storedBuckets = buffer.getInt();
        int[] counts = new int[storedBuckets];
        for (int slot = 0; slot < storedBuckets; slot++) {
            counts[slot] = buffer.getInt();
        }
        SlidingCount window = storedBuckets == buckets
                ? new SlidingCount(headBucket, counts)
                : SlidingCount.empty(headBucket, buckets);
        GuardState state = new GuardState(window, storedBuckets == buckets && version == VERSION_2
                ? StartWindow.ofCounts(window, rateWindow)
                : StartWindow.empty(headBucket, buckets));
        state.causes = causes;
        state.shadowCauses = shadowCauses;
        state.overLimitBucket = buffer.getLong();
        state.overLimitStreak = buffer.getInt();
        state.pausedAt = buffer.getLong();
        state.rateResumeAt = buffer.getLong();
        state.resumedAt = buffer.getLong();
        state.pauseCount = buffer.getInt();
        state.trippedBy = string(buffer);
        state.operatorUntil = buffer.getLong();
        state.operatorActor = string(buffer);
        state.operatorReason = string(buffer);
        state.breakerState = Breaker.State.of(buffer.get());
        state.breakerOpenUntil = buffer.getLong();
        state.halfOpenProbes = buffer.getInt();
        int historyLength = buffer.getInt();
        if (historyLength >= 0) {
            byte[] history = new byte[historyLength];
            buffer.get(history);
            state.storedHistory(history);
        }
        if (version == VERSION_2) {
            return state;
        }
        StartWindow starts = StartWindow.read(buffer, storedBuckets);
        if (storedBuckets == buckets) {
            state.starts = starts;
        }
        if (buffer.get() != 0) {
            for (int queue = 0; queue < 2; queue++) {
                state.heldHead[queue] = buffer.getLong();
                state.heldTail[queue] = buffer.getLong();
                state.heldOldestAt[queue] = buffer.getLong();
                state.heldHeadPage[queue] = buffer.getLong();
                state.heldTailPage[queue] = buffer.getLong();
            }
            state.liveQueue = buffer.get();
            state.heldCheckAt = buffer.getLong();
            HoldEpisode episode = state.episode;
            episode.since = buffer.getLong();
            episode.reason = string(buffer);
            episode.correlationId = string(buffer);
            episode.held = buffer.getLong();
            episode.released = buffer.getLong();
            episode.expired = buffer.getLong();
            episode.overflowed = buffer.getLong();
            episode.discarded = buffer.getLong();
            // written since the operator's release: absent from the first version-3 values
            state.operatorRelease = buffer.hasRemaining() ? buffer.getLong() : 0;
            // written since the paced release
            if (buffer.hasRemaining()) {
                state.operatorRate = buffer.getInt();
                state.operatorNextAtMicros = buffer.getLong();
            }
        }
        return state;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length == 0) {
            return "";
        }
        String text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }
}
