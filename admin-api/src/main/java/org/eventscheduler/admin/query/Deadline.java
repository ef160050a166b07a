package org.eventscheduler.admin.query;

import java.time.Duration;

/**
 * When answers are due: one point in time for a whole query, so that waiting for one party takes only
 * what is left of it, never the full timeout again.
 *
 * @param atNanos when, as a {@link System#nanoTime} value
 * @param timeout how long the query was given (to say so when an answer is late)
 */
public record Deadline(long atNanos, Duration timeout) {

    /** {@code timeout} from now. */
    public static Deadline in(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /** Nanoseconds left, 0 once it has passed. */
    public long remainingNanos() {
        return Math.max(0, atNanos - System.nanoTime());
    }
}
