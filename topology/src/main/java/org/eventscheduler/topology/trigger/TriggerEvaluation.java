package org.eventscheduler.topology.trigger;

import java.util.List;
import org.eventscheduler.topology.source.AdmittedEventCheck;

/**
 * What the triggers made of one admitted event: one outcome per trigger whose source, type and content
 * filter matched it. Computed once, by the source stage ({@link TriggerEvaluator}), and carried to the
 * matcher with the event.
 */
record TriggerEvaluation(List<Outcome> outcomes) implements AdmittedEventCheck.Result {
    static final TriggerEvaluation NO_MATCH = new TriggerEvaluation(List.of());

    /** One trigger's outcome on the event. */
    sealed interface Outcome {
        Trigger trigger();
    }

    /** The trigger matched and its workflow input was built, as JSON bytes. */
    record Matched(Trigger trigger, byte[] input) implements Outcome {
    }

    /**
     * The trigger matched, but the event lacks what its input is built from: the event's fault, counted
     * against its source and dead-lettered as {@code trigger-input-unavailable}.
     */
    record Unusable(Trigger trigger, String problem) implements Outcome {
    }

    /**
     * The trigger could not be evaluated at all: the trigger's fault, counted against its breaker and
     * dead-lettered as {@code trigger-evaluation-failed}.
     */
    record Faulted(Trigger trigger, String problem) implements Outcome {
    }

    /** Whether a trigger the event matched cannot use it. */
    @Override
    public boolean eventAtFault() {
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Unusable) {
                return true;
            }
        }
        return false;
    }
}
