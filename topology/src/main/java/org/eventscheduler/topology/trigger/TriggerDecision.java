package org.eventscheduler.topology.trigger;

import org.eventscheduler.topology.ThrottleReason;
import org.eventscheduler.topology.pause.PauseRecord;

/** What the trigger stage made of an input: one output record each. */
public sealed interface TriggerDecision {

    /** A workflow start for {@code workflow.starts}, written as a {@link WorkflowStart}. */
    record Start(TriggerInput.Match match) implements TriggerDecision {
    }

    /** A start the trigger's safeguards held back, for {@code scheduler.throttled}. */
    record Held(TriggerInput.Match match, ThrottleReason reason) implements TriggerDecision {
    }

    /** A trigger was paused or resumed: a record for {@code scheduler.paused}. */
    record PauseChanged(PauseRecord record) implements TriggerDecision {
    }
}
