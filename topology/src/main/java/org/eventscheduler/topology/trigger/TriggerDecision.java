package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.hold.HoldNotice;
import org.eventscheduler.topology.pause.PauseRecord;

/** What the trigger stage made of an input: one output record each. */
public sealed interface TriggerDecision {

    /** A workflow start for {@code workflow.starts}, written as a {@link WorkflowStart}. */
    record Start(TriggerInput.Match match) implements TriggerDecision {
    }

    /** A held start ends in {@code scheduler.dlq} (expired, pushed out, discarded): the start as JSON. */
    record DeadLettered(byte[] key, byte[] value) implements TriggerDecision {
    }

    /** An audit notice of the trigger's held starts, for {@code scheduler.throttled}. */
    record HoldNoticed(HoldNotice notice) implements TriggerDecision {
    }

    /**
     * A command for {@code scheduler.control}: the old home of a trigger whose home moved carries its
     * operator's pause on to the new home, the way an operator's command reaches it.
     */
    record Commanded(ControlCommand command) implements TriggerDecision {
    }

    /** A trigger was paused or resumed: a record for {@code scheduler.paused}. */
    record PauseChanged(PauseRecord record) implements TriggerDecision {
    }

    /** A source task's demand for budget of a shared trigger: a record for {@code by-trigger}. */
    record Demanded(TriggerInput.Demand demand) implements TriggerDecision {
    }

    /**
     * An operator's release or discard of a shared trigger's held work, relayed by its home to the source
     * tasks that hold its matches: a record for {@code scheduler.trigger-grants}, to every partition.
     */
    record Relayed(TriggerInput.Control control) implements TriggerDecision {
    }

    /** A shared trigger's home grants or revokes budget: a record for {@code scheduler.trigger-grants}. */
    record Granted(TriggerInput.Grant grant) implements TriggerDecision {
    }
}
