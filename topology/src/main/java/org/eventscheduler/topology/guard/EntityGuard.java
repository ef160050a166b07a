package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eventscheduler.topology.Tracing;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.pause.PauseCause;
import org.eventscheduler.topology.pause.PauseReason;
import org.eventscheduler.topology.pause.PauseRecord;
import org.eventscheduler.topology.pause.PauseState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safeguards of one kind of entity (sources or triggers), applied to a {@link GuardState}: the
 * rate limit over the sliding window, the pause and its cooldown, the circuit breaker, and operator
 * pauses. It decides what happens to each record and reports every change of the pause state as a
 * {@link PauseRecord}; the processor that uses it owns the stores and the outputs.
 *
 * <p>An entity is paused while at least one {@link PauseCause} holds; each clears on its own terms:
 * a rate pause after its cooldown once the rate is back under the resume threshold, a breaker pause
 * when resilience4j closes the breaker again, an operator pause at its {@code until} or on an operator
 * resume (which clears every cause). Decisions read only record times.
 *
 * <p>Not thread-safe: one instance per processor (task and stream thread).
 */
public final class EntityGuard {
    private static final Logger LOG = LoggerFactory.getLogger(EntityGuard.class);

    /** Where a record goes. */
    public enum Verdict {
        /** On to the entity's output. */
        ADMIT,
        /** Held: over the rate limit. */
        HOLD_OVER_LIMIT,
        /** Held: the entity is paused (or its breaker lets nothing through). */
        HOLD_PAUSED;

        private final String code = name().toLowerCase(Locale.ROOT);

        /** The verdict in span attributes: {@code admit}, {@code hold_over_limit}, {@code hold_paused}. */
        public String code() {
            return code;
        }
    }

    /**
     * Where the room for one more record of an entity comes from. By default its own window of what it
     * let through ({@link StartWindow}); a source task starting a shared trigger's matches spends the
     * budget the trigger's home granted it instead.
     */
    public interface Room {
        /** Whether one more record of entity {@code id} may go at {@code time}. */
        boolean has(String id, GuardState s, long time, RateLimit limit);

        /** Counts one record of entity {@code id} let through at {@code time}. */
        void take(String id, GuardState s, long time);

        /** When there may next be room, as of {@code now} (the next look at the entity's held work). */
        long next(String id, GuardState s, long now, RateLimit limit);
    }

    private final EntityType entityType;
    private final Room room;
    private final RateWindow window;
    private final PausePolicy policy;
    private final String instanceId;
    private final SchedulerMetrics metrics;
    private final RecordClock clock = new RecordClock();
    private final Map<BreakerSettings, CircuitBreakerConfig> breakerConfigs = new HashMap<>();
    /**
     * The breakers of the entities that used one lately, least recently used first, at most
     * {@link #LIVE_BREAKERS}: a breaker is rebuilt from the store only for an entity that is not here.
     */
    private final Map<String, Breaker> liveBreakers;

    public EntityGuard(EntityType entityType, GuardTiming timing, SchedulerMetrics metrics) {
        this(entityType, timing.window(), timing.policy(), timing.instanceId(), metrics);
    }

    public EntityGuard(EntityType entityType, RateWindow window, PausePolicy policy, String instanceId,
                       SchedulerMetrics metrics) {
        this(entityType, window, policy, instanceId, metrics, LIVE_BREAKERS);
    }

    /** A guard whose room for each record comes from {@code room}, not from the entity's own window. */
    public EntityGuard(EntityType entityType, GuardTiming timing, SchedulerMetrics metrics, Room room) {
        this(entityType, timing.window(), timing.policy(), timing.instanceId(), metrics, LIVE_BREAKERS, Optional.of(room));
    }

    EntityGuard(EntityType entityType, RateWindow window, PausePolicy policy, String instanceId,
                SchedulerMetrics metrics, int liveBreakers) {
        this(entityType, window, policy, instanceId, metrics, liveBreakers, Optional.empty());
    }

    /** As above, keeping at most {@code liveBreakers} breakers live (the tests evict with a small number). */
    private EntityGuard(EntityType entityType, RateWindow window, PausePolicy policy, String instanceId,
                        SchedulerMetrics metrics, int liveBreakers, Optional<Room> room) {
        this.liveBreakers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Breaker> eldest) {
                return size() > liveBreakers;
            }
        };
        this.entityType = entityType;
        this.room = room.orElseGet(() -> new OwnWindow());
        this.window = window;
        this.policy = policy;
        this.instanceId = instanceId;
        this.metrics = metrics;
    }

    public RateWindow window() {
        return window;
    }

    /** The state of an entity seen for the first time at {@code timestamp}. */
    public GuardState fresh(long timestamp) {
        return GuardState.fresh(window.bucketOf(timestamp), window.buckets());
    }

    /**
     * A record of the entity arrives (an event of a source, a match of a trigger): counts it, applies
     * the rate limit, asks the breaker whether the call may go ahead, and says where it goes.
     */
    public Verdict arrive(String id, GuardState s, long timestamp, RateLimit limit, BreakerSettings breaker,
                          String correlationId, Consumer<PauseRecord> changes) {
        clock.set(timestamp);
        expireOperatorPause(id, s, timestamp, changes);
        long bucket = window.bucketOf(timestamp);
        checkRate(id, s, timestamp, bucket, s.count(bucket), limit, correlationId, changes);
        if (isHeldBack(s)) {
            return Verdict.HOLD_PAUSED;
        }
        if (s.heldLive() > 0) {
            // behind the work held before it: each entity's records come out in the order they arrived
            return s.isPaused() ? Verdict.HOLD_PAUSED : Verdict.HOLD_OVER_LIMIT;
        }
        if (!room.has(id, s, timestamp, limit)) {
            return Verdict.HOLD_OVER_LIMIT;
        }
        boolean permitted = acquire(id, s, timestamp, breaker, correlationId, changes);
        if (!permitted && !breaker.shadow()) {
            return Verdict.HOLD_PAUSED;
        }
        room.take(id, s, timestamp);
        return Verdict.ADMIT;
    }

    /** Applies the rate limit to the entity's count {@code count} over its window after a record at {@code timestamp}. */
    private void checkRate(String id, GuardState s, long timestamp, long bucket, long count, RateLimit limit,
                           String correlationId, Consumer<PauseRecord> changes) {
        maybeResumeRate(id, s, timestamp, count, limit, changes);

        boolean overLimit = count > limit.maxEvents();
        if (overLimit && !s.has(PauseCause.RATE) && !s.hasShadow(PauseCause.RATE)) {
            boolean newStreak = s.startsOverLimitStreak(bucket);
            int streak = s.markOverLimit(bucket);
            if (newStreak) {
                metrics.action(entityType, SchedulerMetrics.Action.THROTTLE, "over-limit");
                LOG.atInfo()
                        .addKeyValue("correlation_id", correlationId)
                        .addKeyValue("entity", entityType.changelogKey(id))
                        .addKeyValue("reason", "over-limit")
                        .log("{} over its limit: {} records in {} against {} (action {})", entityType.changelogKey(id),
                                count, window.size(), limit.maxEvents(), limit.action().configName());
            }
            boolean trips = limit.action() != LimitAction.THROTTLE
                    && (streak >= policy.afterConsecutiveBuckets() || policy.isStorm(count, limit));
            if (trips) {
                pauseForRate(id, s, timestamp, count, limit, correlationId, limit.action() == LimitAction.SHADOW,
                        changes);
            }
        }
    }

    /**
     * A source task's demand for starts of a shared trigger (granted budget, docs/architecture.md). Counts
     * the {@code matched} matches the task saw in the trigger's window (they may trip a rate pause, as
     * arriving matches do), then says how many of the {@code wanted} starts may go: none while its rate or
     * an operator holds it back; what a half-open breaker's probes allow; otherwise as many as {@code room},
     * what the limit leaves (all under action shadow). The caller counts what it grants.
     */
    public int grant(String id, GuardState s, long timestamp, int wanted, int matched, long room, RateLimit limit,
                     BreakerSettings breaker, String correlationId, Consumer<PauseRecord> changes) {
        clock.set(timestamp);
        expireOperatorPause(id, s, timestamp, changes);
        long arrivalBucket = window.bucketOf(timestamp);
        checkRate(id, s, timestamp, arrivalBucket, s.count(arrivalBucket, matched), limit, correlationId, changes);
        if (isHeldBack(s) || wanted <= 0) {
            return 0;
        }
        int starts = (int) Math.max(0, Math.min(wanted, limit.action() == LimitAction.SHADOW ? wanted : room));
        if (starts > 0 && breaker.enabled() && s.breakerState != Breaker.State.CLOSED && !breaker.shadow()) {
            int permitted = 0;
            while (permitted < starts && acquire(id, s, timestamp, breaker, correlationId, changes)) {
                permitted++;
            }
            starts = permitted;
        }
        return starts;
    }

    /**
     * Whether the oldest held record of the entity may go on at {@code now}: not paused by its rate or an
     * operator, room in its window, and its breaker lets the call through (a half-open breaker's probes
     * are held records first). When it may, the window counts it.
     */
    public boolean admitHeld(String id, GuardState s, long now, RateLimit limit, BreakerSettings breaker,
                             String correlationId, Consumer<PauseRecord> changes) {
        clock.set(now);
        if (isHeldBack(s) || !room.has(id, s, now, limit)) {
            return false;
        }
        if (!acquire(id, s, now, breaker, correlationId, changes) && !breaker.shadow()) {
            return false;
        }
        room.take(id, s, now);
        return true;
    }

    /** Counts a record an operator let through at {@code now} in the entity's window. */
    void countStart(GuardState s, long now) {
        s.starts.add(now, window);
    }

    /**
     * Whether the entity is paused for a record that arrives at {@code timestamp} whatever the record holds,
     * before it is counted: an operator's pause holds beyond that time, or a rate pause that this record
     * cannot end (its cooldown has not passed, or the window with this record is still over the resume
     * threshold). Such a record is held, and nothing it carries can change the entity's state but its
     * count. A breaker's pause is not counted (its shadow setting and its probes decide), nor work held
     * without a pause (a throttled entity's next record may trip a pause, which names the record that
     * tripped it). Changes nothing.
     */
    public boolean pausedForEveryRecord(GuardState s, long timestamp, RateLimit limit) {
        if (s.has(PauseCause.OPERATOR) && (s.operatorUntil == GuardState.NEVER || timestamp < s.operatorUntil)) {
            return true;
        }
        return s.has(PauseCause.RATE) && (timestamp < s.rateResumeAt
                || s.window.totalWith(window.bucketOf(timestamp)) > policy.resumeThreshold(limit));
    }

    /** Whether a cause that holds every record of the entity holds: its rate or an operator. */
    boolean isHeldBack(GuardState s) {
        return s.has(PauseCause.OPERATOR) || s.has(PauseCause.RATE);
    }

    /**
     * Whether one more record may go at {@code time}: fewer than the limit went in the window's length up
     * to it ({@link StartWindow}; always, under action shadow).
     */
    private boolean hasRoom(GuardState s, long time, RateLimit limit) {
        return limit.action() == LimitAction.SHADOW || s.starts.countAt(time, window) < limit.maxEvents();
    }

    /**
     * When the window can next let a held record through, as of {@code now}: the next bucket while it has
     * room (a breaker or a look's budget held the record back), else the time at which enough of what it let
     * through is a window's length old. An entity waiting for room is looked at then, not at every bucket.
     */
    long nextRoom(String id, GuardState s, long now, RateLimit limit) {
        return room.next(id, s, now, limit);
    }

    /** The default {@link Room}: the entity's own window of what it let through. */
    private final class OwnWindow implements Room {
        @Override
        public boolean has(String id, GuardState s, long time, RateLimit limit) {
            return hasRoom(s, time, limit);
        }

        @Override
        public void take(String id, GuardState s, long time) {
            s.starts.add(time, window);
        }

        @Override
        public long next(String id, GuardState s, long now, RateLimit limit) {
            if (hasRoom(s, now, limit)) {
                return nextBucketStart(now);
            }
            return s.starts.roomAt(now, limit.maxEvents(), window);
        }
    }

    /** The length of one bucket of the window, milliseconds. */
    long bucketMillis() {
        return window.bucketMillis();
    }

    /** The start of the bucket after the one {@code now} falls in. */
    long nextBucketStart(long now) {
        return (window.bucketOf(now) + 1) * window.bucketMillis();
    }

    /**
     * Asks the breaker whether a call may go ahead (for records that are not counted against the rate,
     * like invalid events). An open breaker whose wait has passed turns half-open and hands out probes.
     */
    public boolean acquire(String id, GuardState s, long timestamp, BreakerSettings breaker, String correlationId,
                           Consumer<PauseRecord> changes) {
        if (!breaker.enabled() || s.breakerState == Breaker.State.CLOSED) {
            return true;
        }
        if (s.breakerState == Breaker.State.OPEN && timestamp <= s.breakerOpenUntil) {
            // resilience4j lets the first call strictly after the wait through
            return false;
        }
        Breaker materialized = materialize(id, s, breaker, timestamp);
        boolean permitted = materialized.tryAcquire(timestamp);
        applyTransitions(id, s, materialized, breaker, timestamp, correlationId, changes);
        return permitted;
    }

    /** The outcome of a call the breaker let through: a failure or a success. */
    public void outcome(String id, GuardState s, long timestamp, BreakerSettings breaker, boolean failure,
                        String correlationId, Consumer<PauseRecord> changes) {
        if (!breaker.enabled()) {
            return;
        }
        Breaker live = live(id, s, breaker);
        if (live == null && !failure && s.breakerState == Breaker.State.CLOSED && s.history(breaker).failures() == 0) {
            // only successes in a closed window: nothing can trip, so resilience4j need not be asked
            s.history(breaker).record(timestamp, false);
            return;
        }
        Breaker materialized = live != null ? live : materialize(id, s, breaker, timestamp);
        materialized.record(timestamp, failure);
        applyTransitions(id, s, materialized, breaker, timestamp, correlationId, changes);
    }

    /** An operator command: a pause (optionally until a time) or a resume that clears every cause. */
    public void control(String id, GuardState s, ControlCommand command, long timestamp, BreakerSettings breaker,
                        String correlationId, Consumer<PauseRecord> changes) {
        clock.set(timestamp);
        switch (command.action()) {
            case PAUSE -> {
                s.pauseByOperator(command.actor(), command.reason(),
                        command.until().map(Instant::toEpochMilli).orElse(GuardState.NEVER), timestamp, correlationId);
                emit(id, s, PauseReason.OPERATOR_PAUSE, false, Optional.empty(), Optional.empty(), timestamp,
                        correlationId, changes);
            }
            case RESUME -> {
                if (breaker.enabled() && s.breakerState != Breaker.State.CLOSED) {
                    Breaker closing = materialize(id, s, breaker, timestamp);
                    closing.close(timestamp);
                    closing.written();
                }
                s.resumeByOperator(command.actor(), command.reason(), timestamp);
                emit(id, s, PauseReason.OPERATOR_RESUME, false, Optional.empty(), Optional.empty(), timestamp,
                        correlationId, changes);
                s.forgetOperator();
            }
            // held work, not the pause state: GuardStores.applyToHeld
            case RELEASE, DISCARD -> {
            }
        }
    }

    /** Time passed (stream time {@code now}): resumes due rate pauses and operator pauses that reached their until. */
    public void tick(String id, GuardState s, long now, RateLimit limit, Consumer<PauseRecord> changes) {
        clock.set(now);
        expireOperatorPause(id, s, now, changes);
        maybeResumeRate(id, s, now, s.advanceTo(window.bucketOf(now)), limit, changes);
    }

    /**
     * The entity's entry in the paused index: absent ({@link #NOT_PAUSED}) when no cause or shadow cause
     * holds and it holds no record, else when {@link #tick} can next change something, or its held work
     * needs a look ({@link Long#MAX_VALUE} when only a record can). The index lists every paused entity
     * and every entity with held work, so queries need not scan every entity.
     */
    public long nextCheck(GuardState s) {
        boolean holds = s.heldCount() > 0;
        if (s.causes == 0 && s.shadowCauses == 0 && !holds) {
            return NOT_PAUSED;
        }
        long next = Long.MAX_VALUE;
        if (holds) {
            next = s.heldCheckAt;
        }
        if (s.has(PauseCause.RATE) || s.hasShadow(PauseCause.RATE)) {
            next = Math.min(next, s.rateResumeAt);
        }
        if (s.has(PauseCause.OPERATOR) && s.operatorUntil != GuardState.NEVER) {
            next = Math.min(next, s.operatorUntil);
        }
        return next;
    }

    /** {@link #nextCheck} of an entity that is not paused in any way. */
    public static final long NOT_PAUSED = Long.MIN_VALUE;

    private void expireOperatorPause(String id, GuardState s, long now, Consumer<PauseRecord> changes) {
        if (s.has(PauseCause.OPERATOR) && s.operatorUntil != GuardState.NEVER && now >= s.operatorUntil) {
            s.endOperatorPause(now);
            emit(id, s, PauseReason.OPERATOR_UNTIL_ELAPSED, false, Optional.empty(), Optional.empty(), now,
                    s.trippedBy, changes);
            s.forgetOperator();
        }
    }

    private void maybeResumeRate(String id, GuardState s, long now, long count, RateLimit limit,
                                 Consumer<PauseRecord> changes) {
        boolean real = s.has(PauseCause.RATE);
        if ((real || s.hasShadow(PauseCause.RATE)) && now >= s.rateResumeAt && count <= policy.resumeThreshold(limit)) {
            s.clear(PauseCause.RATE, !real, now);
            emit(id, s, PauseReason.COOLDOWN_ELAPSED, !real, Optional.of(rateFigures(count, limit)), Optional.empty(),
                    now, s.trippedBy, changes);
        }
    }

    private void pauseForRate(String id, GuardState s, long now, long count, RateLimit limit, String correlationId,
                              boolean shadow, Consumer<PauseRecord> changes) {
        s.pauseForRate(now, policy, shadow, correlationId);
        emit(id, s, PauseReason.RATE_LIMIT_EXCEEDED, shadow, Optional.of(rateFigures(count, limit)), Optional.empty(),
                now, correlationId, changes);
    }

    /**
     * The entity's breaker for a decision at {@code now}: the live one when it is behind {@code s}, else one
     * rebuilt from {@code s} (a task that started, an entry evicted, settings that changed), kept live.
     */
    private Breaker materialize(String id, GuardState s, BreakerSettings breaker, long now) {
        Breaker live = live(id, s, breaker);
        if (live != null) {
            return live;
        }
        CircuitBreakerConfig config = breakerConfigs.computeIfAbsent(breaker, settings -> Breaker.config(settings, clock));
        Breaker rebuilt = Breaker.materialize(entityType.changelogKey(id), config, breaker, s, clock, now);
        liveBreakers.put(id, rebuilt);
        return rebuilt;
    }

    /** The entity's live breaker, taken up for {@code s}, when it has one behind {@code s}; else null. */
    private Breaker live(String id, GuardState s, BreakerSettings breaker) {
        Breaker live = liveBreakers.get(id);
        if (live == null) {
            return null;
        }
        if (!live.isBehind(s, breaker)) {
            liveBreakers.remove(id);
            return null;
        }
        return live.takeUp(s);
    }

    /** Breakers kept live per stage and task, at most; about 1 KiB each for a window of 100 calls. */
    static final int LIVE_BREAKERS = 10_000;

    private void applyTransitions(String id, GuardState s, Breaker materialized, BreakerSettings breaker, long now,
                                  String correlationId, Consumer<PauseRecord> changes) {
        for (Breaker.Transition transition : materialized.transitions()) {
            PauseRecord.BreakerFigures figures = new PauseRecord.BreakerFigures(transition.to().name(),
                    transition.failureRate(), breaker.failureRateThreshold(), breaker.windowDescription(),
                    transition.calls());
            metrics.breakerTransition(entityType, transition.to().name());
            boolean shadow = breaker.shadow();
            switch (transition.to()) {
                case OPEN -> {
                    s.trip(PauseCause.BREAKER, shadow, now, correlationId);
                    emit(id, s, PauseReason.ERROR_RATE, shadow, Optional.empty(), Optional.of(figures), now,
                            correlationId, changes);
                }
                case CLOSED -> {
                    s.clear(PauseCause.BREAKER, shadow, now);
                    emit(id, s, PauseReason.BREAKER_CLOSED, shadow, Optional.empty(), Optional.of(figures), now,
                            correlationId, changes);
                }
                case HALF_OPEN -> Tracing.decision("scheduler.breaker.transition", span -> {
                    span.setAttribute(Tracing.ENTITY, entityType.changelogKey(id));
                    span.setAttribute(Tracing.REASON, "breaker-half-open");
                    span.setAttribute(Tracing.CORRELATION_ID, correlationId);
                }, () -> LOG.atInfo()
                        .addKeyValue("correlation_id", correlationId)
                        .addKeyValue("entity", entityType.changelogKey(id))
                        .addKeyValue("reason", "breaker-half-open")
                        .log("circuit breaker of {} half-open: letting up to {} probes through",
                                entityType.changelogKey(id), breaker.permittedCallsInHalfOpen()));
            }
        }
        materialized.written();
    }

    private PauseRecord.RateFigures rateFigures(long count, RateLimit limit) {
        return new PauseRecord.RateFigures(count, limit.maxEvents(), window.size());
    }

    private void emit(String id, GuardState s, PauseReason reason, boolean shadow,
                      Optional<PauseRecord.RateFigures> rate, Optional<PauseRecord.BreakerFigures> breakerFigures,
                      long now, String correlationId, Consumer<PauseRecord> changes) {
        boolean paused = s.isPaused();
        Optional<PauseRecord.OperatorFigures> operator = s.operatorActor.isEmpty() ? Optional.empty()
                : Optional.of(new PauseRecord.OperatorFigures(s.operatorActor, s.operatorReason,
                s.operatorUntil == GuardState.NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.operatorUntil))));
        String resumedBy = reason == PauseReason.OPERATOR_RESUME ? s.operatorActor : PauseRecord.SCHEDULER;
        PauseRecord record = new PauseRecord(entityType, id, paused ? PauseState.PAUSED : PauseState.ACTIVE,
                PauseCause.of(s.causes), PauseCause.of(s.shadowCauses), reason, shadow, rate, breakerFigures, operator,
                instant(s.pausedAt), s.has(PauseCause.RATE) || s.hasShadow(PauseCause.RATE) ? instant(s.rateResumeAt)
                : Optional.empty(),
                paused || s.resumedAt == GuardState.NEVER ? Optional.empty() : instant(s.resumedAt),
                paused || s.resumedAt == GuardState.NEVER ? Optional.empty() : Optional.of(resumedBy),
                s.pauseCount, correlationId, instanceId);
        metrics.action(entityType, actionOf(reason, shadow), reason.code());
        Tracing.decision("scheduler.pause.change", span -> {
            span.setAttribute(Tracing.ENTITY, record.key());
            span.setAttribute(Tracing.REASON, reason.code());
            span.setAttribute(Tracing.DECISION, record.state().name().toLowerCase(Locale.ROOT) + (shadow ? " (shadow)" : ""));
            span.setAttribute(Tracing.CORRELATION_ID, correlationId);
        }, () -> LOG.atInfo()
                .addKeyValue("correlation_id", correlationId)
                .addKeyValue("entity", record.key())
                .addKeyValue("reason", reason.code())
                .addKeyValue("shadow", shadow)
                .log("{} {}{}: {}; causes now {}{}", record.key(), shadow ? "shadow " : "", reason.code(),
                        record.state(), record.causes(),
                        rate.map(r -> ", " + r.observed() + " events in " + r.window() + " against " + r.limit())
                                .orElse(breakerFigures.map(b -> ", failure rate " + b.failureRate() + "% of "
                                        + b.calls() + " calls, threshold " + b.failureRateThreshold() + "%").orElse(""))));
        changes.accept(record);
    }

    private static SchedulerMetrics.Action actionOf(PauseReason reason, boolean shadow) {
        boolean pause = switch (reason) {
            case RATE_LIMIT_EXCEEDED, ERROR_RATE, OPERATOR_PAUSE -> true;
            default -> false;
        };
        if (shadow) {
            return pause ? SchedulerMetrics.Action.SHADOW_PAUSE : SchedulerMetrics.Action.SHADOW_RESUME;
        }
        return pause ? SchedulerMetrics.Action.PAUSE : SchedulerMetrics.Action.RESUME;
    }

    private static Optional<Instant> instant(long millis) {
        return millis == GuardState.NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
