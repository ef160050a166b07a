package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * resilience4j's circuit breaker state machine, materialized for one entity from the state it left in
 * the store, used for one decision, and saved back. resilience4j decides every transition; this class
 * only restores it (state, time the open state ends, probes handed out, recorded calls) and collects
 * the transitions it makes so that they can be written to the paused changelog.
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
    private final GuardState state;
    private final BreakerSettings settings;
    private final RecordClock clock;
    private final List<Transition> transitions = new ArrayList<>(2);
    /** The metrics of the state the breaker was in when it was last called: they decide a transition. */
    private Metrics deciding;

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
}
