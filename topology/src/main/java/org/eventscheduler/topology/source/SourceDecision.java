package org.eventscheduler.topology.source;

import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.event.IngressEvent;
import org.eventscheduler.topology.hold.HoldNotice;
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

    /** The event is held in its source's queue (never forwarded: it comes back as {@link Admitted} or {@link DeadLettered}). */
    record Held(IngressEvent event, ThrottleReason reason) implements SourceDecision {
    }

    /** A held event ends in {@code scheduler.dlq} (expired, pushed out, discarded): its raw key and value. */
    record DeadLettered(byte[] key, byte[] value) implements SourceDecision {
    }

    /** An audit notice of the source's held work, for {@code scheduler.throttled}. */
    record HoldNoticed(HoldNotice notice) implements SourceDecision {
    }

    /** A source was paused or resumed: a record for {@code scheduler.paused}. */
    record PauseChanged(PauseRecord record) implements SourceDecision {
    }
}
