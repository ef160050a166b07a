package org.eventscheduler.topology.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eventscheduler.topology.pause.PauseCause;

/**
 * What the admin API shows of a guarded entity: its pause state and causes, its rate against its limit
 * (as of its last record), and its breaker.
 *
 * @param state        PAUSED or ACTIVE
 * @param causes       the causes that hold
 * @param shadowCauses shadow decisions that hold
 * @param rate         records counted in the window ending at {@code lastSeen}
 * @param limit        the limit in force, per {@code window}
 * @param action       what happens past the limit
 * @param window       the rate window
 * @param lastSeen     the start of the newest bucket with a record of this entity
 * @param breaker      CLOSED, OPEN or HALF_OPEN
 * @param breakerOpenUntil when an open breaker lets probes through
 * @param breakerCalls calls recorded in the breaker's current state
 * @param breakerFailures failures among them
 * @param pausedAt     when the current (or last) pause began
 * @param resumeAt     the earliest automatic resume of a rate pause
 * @param resumedAt    when it last became active again
 * @param pauseCount   rate pauses in a row
 * @param operatorActor  who paused it, while an operator pause holds
 * @param operatorReason why
 * @param operatorUntil  when that pause ends by itself
 * @param held         what it holds back
 */
public record GuardView(String state, List<PauseCause> causes, List<PauseCause> shadowCauses, long rate, long limit,
                        LimitAction action, Duration window, Instant lastSeen, String breaker,
                        Optional<Instant> breakerOpenUntil, int breakerCalls, int breakerFailures,
                        Optional<Instant> pausedAt, Optional<Instant> resumeAt, Optional<Instant> resumedAt,
                        int pauseCount, Optional<String> operatorActor, Optional<String> operatorReason,
                        Optional<Instant> operatorUntil, Held held) {

    /**
     * The records an entity holds back.
     *
     * @param records      held in all, waiting to be released or to expire
     * @param kept         of them, kept by a resume ({@code hold.on-resume: keep}) until an operator acts
     * @param oldestHeldAt when the oldest was held (record time)
     * @param nextCheck    when its held work is next looked at: a release as the window makes room, or an expiry
     */
    public record Held(long records, long kept, Optional<Instant> oldestHeldAt, Optional<Instant> nextCheck) {
        public static final Held NONE = new Held(0, 0, Optional.empty(), Optional.empty());

        public Held {
            oldestHeldAt = oldestHeldAt == null ? Optional.empty() : oldestHeldAt;
            nextCheck = nextCheck == null ? Optional.empty() : nextCheck;
        }
    }

    public GuardView {
        // an instance of an older version answers without it
        held = held == null ? Held.NONE : held;
    }

    /** The view of {@code state}, with the limits that apply to the entity. */
    public static GuardView of(GuardState state, RateWindow window, RateLimit limit, BreakerSettings breaker) {
        BreakerHistory history = state.history(breaker);
        boolean operator = state.has(PauseCause.OPERATOR);
        return new GuardView(state.isPaused() ? "PAUSED" : "ACTIVE", PauseCause.of(state.causes),
                PauseCause.of(state.shadowCauses), state.window.total(), limit.maxEvents(), limit.action(), window.size(),
                Instant.ofEpochMilli(state.window.headBucket() * window.bucketMillis()), state.breakerState.name(),
                state.breakerState == Breaker.State.OPEN ? instant(state.breakerOpenUntil) : Optional.empty(),
                history.calls(), history.failures(), instant(state.pausedAt),
                state.has(PauseCause.RATE) ? instant(state.rateResumeAt) : Optional.empty(),
                instant(state.resumedAt), state.pauseCount,
                operator ? Optional.of(state.operatorActor) : Optional.empty(),
                operator ? Optional.of(state.operatorReason) : Optional.empty(),
                operator ? instant(state.operatorUntil) : Optional.empty(),
                state.heldCount() == 0 ? Held.NONE : new Held(state.heldCount(), state.heldKept(),
                        state.oldestHeldAt(), state.nextHeldCheck()));
    }

    private static Optional<Instant> instant(long millis) {
        return millis == GuardState.NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
