package org.eventscheduler.topology.trigger;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eventscheduler.topology.control.ControlCommand;

/**
 * What reaches the trigger stage, partitioned by trigger id through the {@code by-trigger} repartition
 * topic: a match of an event, a result reported by the workflow engine, or an operator command.
 */
public sealed interface TriggerInput {

    /** The trigger this input is about. */
    String triggerId();

    /**
     * An event matched a trigger: the workflow start it asks for, or why the trigger failed on it.
     *
     * @param input the workflow input built from the event, as JSON (UTF-8); empty when {@code error} is present
     * @param error why the trigger failed on this event, if it did
     */
    record Match(String triggerId, String workflow, String eventId, String source, String type,
                 String correlationId, Optional<byte[]> input, Optional<String> error) implements TriggerInput {
        public Match {
            input = input == null ? Optional.empty() : input;
            error = error == null ? Optional.empty() : error;
        }
    }

    /**
     * The workflow engine's answer to a start, from {@code workflow.start-results}.
     *
     * @param status one of {@link #SUCCESSES} or {@link #FAILURES} (case-insensitive)
     * @param error  the engine's error message, for failures
     */
    record StartResult(String eventId, String triggerId, String status, Optional<String> error)
            implements TriggerInput {
        /** Statuses that count as a successful start. */
        public static final Set<String> SUCCESSES = Set.of("started", "succeeded", "success", "ok", "completed");
        /** Statuses that count as a failed start, for the trigger's breaker. */
        public static final Set<String> FAILURES = Set.of("failed", "failure", "error", "rejected", "timeout");

        public StartResult {
            error = error == null ? Optional.empty() : error;
        }

        public boolean failed() {
            return FAILURES.contains(status.toLowerCase(Locale.ROOT));
        }

        static boolean known(String status) {
            String normalized = status.toLowerCase(Locale.ROOT);
            return SUCCESSES.contains(normalized) || FAILURES.contains(normalized);
        }
    }

    /** An operator command for a trigger. */
    record Control(ControlCommand command) implements TriggerInput {
        @Override
        public String triggerId() {
            return command.entityId();
        }
    }
}
