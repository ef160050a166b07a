package org.eventscheduler.topology.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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
        CLOSED, OPEN, HALF_OPEN
    }

    /** A transition resilience4j made, with the figures it made it on. */
    record Transition(State from, State to, float failureRate, int calls) {
    }

    private final CircuitBreaker delegate;
    private final GuardState state;
    private final BreakerSettings settings;
    private final RecordClock clock;
    private final List<Transition> transitions = new ArrayList<>(2);

    private Breaker(CircuitBreaker delegate, GuardState state, BreakerSettings settings, RecordClock clock) {
        this.delegate = delegate;
        this.state = state;
        this.settings = settings;
        this.clock = clock;
    }

    /** Rebuilds the breaker of {@code state} at record time {@code now}. */
    static Breaker materialize(String name, CircuitBreakerConfig config, BreakerSettings settings, GuardState state,
                               RecordClock clock, long now) {
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
            state.history(settings).replay(delegate, clock);
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

    /** Reports the calls recorded in the state being left, which decided the transition. */
    private void onTransition(CircuitBreaker.State from, CircuitBreaker.State to) {
        State target = map(to);
        BreakerHistory history = state.history(settings);
        int calls = history.calls();
        transitions.add(new Transition(map(from), target, calls == 0 ? 0 : history.failures() * 100f / calls, calls));
        state.breakerState = target;
        state.breakerOpenUntil = target == State.OPEN ? clock.millis() + settings.waitInOpenState().toMillis()
                : GuardState.NEVER;
        state.halfOpenProbes = 0;
        state.history(settings).clear();
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
        boolean permitted = delegate.tryAcquirePermission();
        if (permitted && state.breakerState == State.HALF_OPEN) {
            state.halfOpenProbes++;
        }
        return permitted;
    }

    /** Records the outcome of a call. */
    void record(long now, boolean failure) {
        clock.set(now);
        if (state.breakerState != State.OPEN) {
            state.history(settings).record(now, failure);
        }
        BreakerHistory.feed(delegate, failure);
    }

    /** Closes the breaker (an operator resumed the entity). */
    void close(long now) {
        clock.set(now);
        if (state.breakerState != State.CLOSED) {
            delegate.transitionToClosedState();
        }
    }

    List<Transition> transitions() {
        return transitions;
    }
}
