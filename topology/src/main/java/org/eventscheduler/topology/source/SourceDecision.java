package org.eventscheduler.topology.source;

import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.pause.PauseRecord;

/** What the source limiter made of an event (or of the passing of time): one output record each. */
public sealed interface SourceDecision {

    /**
     * The event goes on to {@code events.accepted} and to the triggers.
     *
     * @param check what the trigger side made of it before its source's outcome was recorded
     */
    record Admitted(IngressEvent event, AdmittedEventCheck.Result check) implements SourceDecision {
    }

    /** The event goes to {@code scheduler.throttled}, unchanged but for a reason header. */
    record Held(IngressEvent event, ThrottleReason reason) implements SourceDecision {
    }

    /** A source was paused or resumed: a record for {@code scheduler.paused}. */
    record PauseChanged(PauseRecord record) implements SourceDecision {
    }
}
