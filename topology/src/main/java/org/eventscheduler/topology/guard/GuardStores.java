package org.eventscheduler.topology.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eventscheduler.topology.pause.PauseRecord;

/**
 * The stores of one kind of entity (sources or triggers): the {@link GuardState} of each, and the
 * index of paused ones by the next stream time to check them, kept in step on every save. Shared by
 * the source limiter and the trigger stage.
 */
public final class GuardStores {
    private final EntityGuard guard;
    private final KeyValueStore<String, GuardState> states;
    private final KeyValueStore<String, Long> paused;

    public GuardStores(EntityGuard guard, KeyValueStore<String, GuardState> states, KeyValueStore<String, Long> paused) {
        this.guard = guard;
        this.states = states;
        this.paused = paused;
    }

    /** The entity's state, or a fresh one. */
    public GuardState load(String id, long timestamp) {
        GuardState state = states.get(id);
        return state == null ? guard.fresh(timestamp) : state;
    }

    /** Writes the state back, and keeps the paused index in step when the next check moved. */
    public void save(String id, GuardState state, long previousNextCheck) {
        states.put(id, state);
        long nextCheck = guard.nextCheck(state);
        if (nextCheck != previousNextCheck) {
            if (nextCheck == EntityGuard.NOT_PAUSED) {
                paused.delete(id);
            } else {
                paused.put(id, nextCheck);
            }
        }
    }

    /** Lets the guard look at every paused entity whose next check is due by {@code streamTime}. */
    public void tickDue(long streamTime, Function<String, RateLimit> rateLimit, Consumer<PauseRecord> changes) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> entries = paused.all()) {
            while (entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                if (entry.value <= streamTime) {
                    due.add(entry.key);
                }
            }
        }
        for (String id : due) {
            GuardState state = states.get(id);
            if (state == null) {
                paused.delete(id);
                continue;
            }
            long nextCheck = guard.nextCheck(state);
            guard.tick(id, state, streamTime, rateLimit.apply(id), changes);
            save(id, state, nextCheck);
        }
    }

    /** Deletes the state of every entity that {@code forgettable} accepts. */
    public void forget(Predicate<GuardState> forgettable) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, GuardState> all = states.all()) {
            while (all.hasNext()) {
                KeyValue<String, GuardState> entry = all.next();
                if (forgettable.test(entry.value)) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(states::delete);
    }
}
