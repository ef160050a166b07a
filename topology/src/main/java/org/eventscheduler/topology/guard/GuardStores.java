package org.eventscheduler.topology.guard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.BiPredicate;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.hold.HeldRecord;
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
    private final HeldWork held;
    private final Function<String, ? extends GuardPolicy> policies;
    private final HeldWork.Outlet outlet;
    private final DueChecks due;
    /** The ids in the paused index. */
    private final Set<String> indexed;
    /** The first key the next {@link #forgetSome} looks at; empty: the store's first. */
    private String idleCursor = "";

    /**
     * @param held     the held records of this kind of entity
     * @param policies each entity's policy
     * @param outlet   where released and dead-lettered held records, and the audit notices, go
     */
    public GuardStores(EntityGuard guard, KeyValueStore<String, GuardState> states, KeyValueStore<String, Long> paused,
                       HeldWork held, Function<String, ? extends GuardPolicy> policies, HeldWork.Outlet outlet) {
        this(guard, states, paused, held, policies, outlet, new HashSet<>());
    }

    /**
     * As above, keeping {@code indexed} (emptied first) equal to the ids in the paused index: a view in the
     * heap that another processor of the task may read (the ingress router asks whether a source may hold
     * every record before it parses one).
     */
    public GuardStores(EntityGuard guard, KeyValueStore<String, GuardState> states, KeyValueStore<String, Long> paused,
                       HeldWork held, Function<String, ? extends GuardPolicy> policies, HeldWork.Outlet outlet,
                       Set<String> indexed) {
        this.guard = guard;
        this.states = states;
        this.paused = paused;
        this.held = held;
        this.policies = policies;
        this.outlet = outlet;
        this.indexed = indexed;
        indexed.clear();
        this.due = DueChecks.of(paused, indexed::add);
    }

    /**
     * One change of one entity's state, made between loading it and saving it back. {@code input} is
     * whatever the change is about (the record, the event), so that a processor can keep one change
     * object for all records instead of capturing each record in a new one.
     *
     * @param <I> what the change is about
     * @param <R> what the change decided (one that decides nothing says whether the entity is paused now)
     */
    @FunctionalInterface
    public interface Change<I, R> {
        R apply(GuardState state, I input);
    }

    /**
     * Changes the state of entity {@code id} at record time {@code timestamp}: loads it (a fresh one
     * when the entity has none), applies {@code change}, writes it back and keeps the paused index in
     * step. The only way the stage changes an entity's state, so none can forget to save it or take
     * the index entry after the change instead of before. When the change throws, nothing is saved.
     *
     * @return what the change decided
     */
    public <I, R> R update(String id, long timestamp, I input, Change<? super I, ? extends R> change) {
        GuardState state = states.get(id);
        return change(id, state == null ? guard.fresh(timestamp) : state, timestamp, input, change);
    }

    /**
     * Holds {@code record} for entity {@code id}, from inside a {@link Change} of it: it waits in the
     * entity's held store until its entity lets it through, or ends in the dead-letter topic.
     */
    public void hold(String id, GuardState state, HeldRecord record, String correlationId) {
        held.hold(id, state, record, policies.apply(id).hold(), correlationId, outlet);
    }

    /**
     * Applies an operator's {@code release} or {@code discard} of entity {@code id}'s held work, from inside a
     * {@link Change} of it; returns false for any other command (a pause or resume, for the guard).
     */
    public boolean applyToHeld(String id, GuardState state, ControlCommand command, long now) {
        return held.applyOperator(id, state, command, now, outlet);
    }

    private <I, R> R change(String id, GuardState state, long now, I input, Change<? super I, ? extends R> change) {
        long previousNextCheck = guard.nextCheck(state);
        boolean wasPaused = state.isPaused();
        R result;
        try {
            result = change.apply(state, input);
            held.settle(id, state, now, wasPaused, policies, guard, outlet);
        } catch (RuntimeException e) {
            // nothing is saved: the state read back next must be the stored one, not this half-changed object
            GuardStateSerde.forgetLastWritten();
            throw e;
        }
        states.put(id, state);
        long nextCheck = guard.nextCheck(state);
        if (nextCheck != previousNextCheck) {
            due.move(id, previousNextCheck, nextCheck);
            if (nextCheck == EntityGuard.NOT_PAUSED) {
                paused.delete(id);
                indexed.remove(id);
            } else {
                paused.put(id, nextCheck);
                indexed.add(id);
            }
        }
        return result;
    }

    /**
     * Lets the guard look at every entity in the paused index whose next check is due by {@code now}:
     * resumes, and releases and expiries of held work. Reads only the entries due (the index ordered by
     * due time, {@link DueChecks}), not the whole index.
     */
    public void tickDue(long now, Consumer<PauseRecord> changes) {
        Change<String, Boolean> tick = (state, id) -> {
            guard.tick(id, state, now, policies.apply(id).rateLimit(), changes);
            return state.isPaused();
        };
        for (String id : due.takeDueBy(now)) {
            GuardState state = states.get(id);
            if (state == null) {
                paused.delete(id);
                indexed.remove(id);
            } else {
                change(id, state, now, id, tick);
                // taken out to be looked at: back at its next check, even one unchanged (a rate pause
                // whose window is not yet under the resume threshold is looked at again next bucket)
                due.add(id, guard.nextCheck(state));
            }
        }
    }

    /**
     * Looks at the next {@code budget} entities of the state store, in key order from where the previous
     * call stopped (from the first again after the last), and deletes the state of those that
     * {@code forgettable} accepts: a bounded cursor, so that a punctuation never walks a whole store of a
     * million sources on the stream thread. Returns how many it looked at.
     */
    public int forgetSome(BiPredicate<String, GuardState> forgettable, int budget) {
        return forgetSome(forgettable, budget, id -> {
        });
    }

    /** As {@link #forgetSome(BiPredicate, int)}, telling {@code forgotten} each id whose state it deleted. */
    public int forgetSome(BiPredicate<String, GuardState> forgettable, int budget, Consumer<String> forgotten) {
        List<String> idle = new ArrayList<>();
        int looked = 0;
        try (KeyValueIterator<String, GuardState> entries = idleCursor.isEmpty() ? states.all()
                : states.range(idleCursor, null)) {
            while (looked < budget && entries.hasNext()) {
                KeyValue<String, GuardState> entry = entries.next();
                looked++;
                if (forgettable.test(entry.key, entry.value)) {
                    idle.add(entry.key);
                }
            }
            idleCursor = entries.hasNext() ? entries.peekNextKey() : "";
        }
        for (String id : idle) {
            states.delete(id);
            forgotten.accept(id);
        }
        return looked;
    }
}
