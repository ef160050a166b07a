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

    /**
     * A source task asks a shared trigger's home for budget: starts it may make in one bucket of the
     * trigger's rate window ({@link GrantBudgets}). Never the event: a few numbers.
     *
     * @param partition the source task's partition, where the grant goes
     * @param bucket    the bucket of record time the starts are for
     * @param wanted    the starts it asks for: what it holds, and what it expects in the bucket
     * @param matched   matches of the trigger it saw since its previous demand, for the home's rate count
     * @param ahead     asked before the bucket began, so that a steady trigger finds budget there: granted only
     *                  from what the limit leaves beyond half of it
     * @param returnedEnd the end bucket of an earlier grant the task is done with
     * @param returned  how many of its starts it did not use: they never start, so the home takes them out of its
     *                  ledger
     * @param used      how many it used, the last of them in bucket {@code lastUsed}: the home counts them there
     *                  from now on, not at the grant's end
     */
    record Demand(String triggerId, int partition, long bucket, int wanted, int matched, boolean ahead,
                  long returnedEnd, int returned, int used, long lastUsed) implements TriggerInput {
    }

    /**
     * A shared trigger's home answers a demand: {@code starts} starts the task of {@code partition} may make
     * with record times in the buckets {@code bucket} to {@code end}, already counted in the home's ledger. A revocation ({@code revoked}, for
     * {@link #EVERY_PARTITION}) takes back every grant the tasks hold: the trigger paused. {@code ahead}: the
     * answer to a demand made ahead of its bucket.
     */
    record Grant(String triggerId, int partition, long bucket, long end, int starts, boolean ahead, boolean revoked)
            implements TriggerInput {
        /** The partition of a revocation: it goes to every source task. */
        public static final int EVERY_PARTITION = -1;

        static Grant revocation(String triggerId, long bucket) {
            return new Grant(triggerId, EVERY_PARTITION, bucket, bucket, 0, false, true);
        }

        /** The trigger resumed: every source task may ask again, also for a bucket the home refused. */
        static Grant invitation(String triggerId, long bucket) {
            return new Grant(triggerId, EVERY_PARTITION, bucket, bucket, 0, false, false);
        }

        boolean isInvitation() {
            return partition == EVERY_PARTITION && !revoked;
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
