package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * resilience4j's circuit breaker state machine for one entity. It lives in the task while the entity is
 * active ({@link EntityGuard} keeps a bounded map of them) and writes every change through to the
 * entity's {@link GuardState} (state, time the open state ends, probes handed out, recorded calls), so
 * the store always holds what a new breaker needs; it is rebuilt from the store ({@link #materialize})
 * only when a task starts or its entry was evicted. resilience4j decides every transition; this class
 * collects the transitions it makes so that they can be written to the paused changelog.
 */
final class Breaker {
    /** The persisted breaker states; resilience4j's own enum has states we never enter. */
    enum State {
        CLOSED, OPEN, HALF_OPEN;

        private static final State[] BY_ORDINAL = values();

        /** The state stored as {@code ordinal}, without copying {@code values()} on every read. */
        static State of(int ordinal) {
            return BY_ORDINAL[ordinal];
        }
    }

    /**
     * A transition resilience4j made, with the figures it made it on: its own failure rate and number of
     * calls in the window that decided it (for an opening, at least the threshold; -1 when the window
     * had fewer calls than the minimum, as for an operator's close).
     */
    record Transition(State from, State to, float failureRate, int calls) {
    }

    private final CircuitBreaker delegate;
    /** The state it writes through to: the entity's, as loaded for the current decision. */
    private GuardState state;
    private final BreakerSettings settings;
    private final RecordClock clock;
    private final List<Transition> transitions = new ArrayList<>(2);
    /** The metrics of the state the breaker was in when it was last called: they decide a transition. */
    private Metrics deciding;
    /** What it last wrote through to the state: the breaker fields and the history's figures. */
    private Breaker.State writtenState;
    private long writtenOpenUntil;
    private int writtenProbes;
    private int writtenCalls = -1;
    private int writtenFailures;

    private Breaker(CircuitBreaker delegate, GuardState state, BreakerSettings settings, RecordClock clock) {
        this.delegate = delegate;
        this.state = state;
        this.settings = settings;
        this.clock = clock;
    }

    /** Rebuilds the breaker of {@code state} at record time {@code now}. */
    static Breaker materialize(String name, CircuitBreakerConfig config, BreakerSettings settings, GuardState state,
                               RecordClock clock, long now) {
        // built no later than the replay starts: resilience4j's time window only moves forward
        clock.set(state.breakerState == State.CLOSED ? Math.min(now, state.history(settings).replayStart()) : now);
        CircuitBreaker delegate = CircuitBreaker.of(name, config);
        clock.set(now);
        switch (state.breakerState) {
            case OPEN -> delegate.transitionToOpenStateUntil(Instant.ofEpochMilli(state.breakerOpenUntil));
            case HALF_OPEN -> {
                delegate.transitionToOpenStateUntil(Instant.ofEpochMilli(now));
                delegate.transitionToHalfOpenState();
                for (int i = 0; i < state.halfOpenProbes; i++) {
                    delegate.tryAcquirePermission();
                }
            }
            case CLOSED -> {
                // a new breaker is closed
            }
        }
        Breaker breaker = new Breaker(delegate, state, settings, clock);
        delegate.getEventPublisher().onStateTransition(event -> breaker.onTransition(
                event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
        if (state.breakerState != State.OPEN) {
            state.history(settings).replay(breaker::call, clock, state.breakerState == State.CLOSED,
                    settings.failureRateThreshold());
        }
        clock.set(now);
        return breaker;
    }

    static CircuitBreakerConfig config(BreakerSettings settings, RecordClock clock) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(),
                        settings.slidingWindowType() == BreakerSettings.WindowType.COUNT_BASED
                                ? CircuitBreakerConfig.SlidingWindowType.COUNT_BASED
                                : CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .waitDurationInOpenState(settings.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .build();
    }

    /** One call into resilience4j, remembering the metrics that will decide a transition it makes. */
    private void call(boolean failure) {
        deciding = delegate.getMetrics();
        BreakerHistory.feed(delegate, failure);
    }

    /**
     * Reports resilience4j's own figures for the state being left (its metrics object, live, as they
     * stood after the call that made the transition), then starts a new history, as resilience4j starts
     * a new window.
     */
    private void onTransition(CircuitBreaker.State from, CircuitBreaker.State to) {
        State target = map(to);
        Metrics figures = deciding == null ? delegate.getMetrics() : deciding;
        transitions.add(new Transition(map(from), target, figures.getFailureRate(), figures.getNumberOfBufferedCalls()));
        state.breakerMoved(target, clock.millis() + settings.waitInOpenState().toMillis(), settings);
    }

    private static State map(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            default -> State.CLOSED;
        };
    }

    /** Whether a call may go ahead now; may move an open breaker whose wait has passed to half-open. */
    boolean tryAcquire(long now) {
        clock.set(now);
        deciding = delegate.getMetrics();
        boolean permitted = delegate.tryAcquirePermission();
        if (permitted && state.breakerState == State.HALF_OPEN) {
            state.countProbe();
        }
        return permitted;
    }

    /** Records the outcome of a call. */
    void record(long now, boolean failure) {
        long time = state.history(settings).breakerTime(now);
        clock.set(time);
        if (state.breakerState != State.OPEN) {
            state.history(settings).record(time, failure);
        }
        call(failure);
    }

    /** Closes the breaker (an operator resumed the entity). */
    void close(long now) {
        clock.set(now);
        deciding = delegate.getMetrics();
        if (state.breakerState != State.CLOSED) {
            delegate.transitionToClosedState();
        }
    }

    List<Transition> transitions() {
        return transitions;
    }

    /**
     * Whether this breaker is the one behind {@code current} (an entity's state as loaded for a decision):
     * the same settings, and the state holds exactly what this breaker last wrote through. Anything else
     * (the settings changed, the state came from elsewhere) needs a breaker rebuilt from the state.
     */
    boolean isBehind(GuardState current, BreakerSettings currentSettings) {
        return settings.equals(currentSettings) && current.breakerState == writtenState
                && current.breakerOpenUntil == writtenOpenUntil && current.halfOpenProbes == writtenProbes
                && current.history(currentSettings).calls() == writtenCalls
                && current.history(currentSettings).failures() == writtenFailures;
    }

    /** Takes up {@code current} (see {@link #isBehind}) for a new decision: its changes go there. */
    Breaker takeUp(GuardState current) {
        state = current;
        transitions.clear();
        deciding = null;
        return this;
    }

    /** Notes what the decision wrote through to the state, for {@link #isBehind} at the next one. */
    void written() {
        writtenState = state.breakerState;
        writtenOpenUntil = state.breakerOpenUntil;
        writtenProbes = state.halfOpenProbes;
        writtenCalls = state.history(settings).calls();
        writtenFailures = state.history(settings).failures();
        // the state object is the decision's; the next one takes up its own
        state = null;
    }
}
