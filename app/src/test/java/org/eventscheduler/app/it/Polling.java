package org.eventscheduler.app.it;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a condition in an integration test: polling with a deadline, never a fixed sleep. */
public final class Polling {

    /** A condition that may need I/O to check. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Polling() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it does not within {@code timeout}. */
    public static void await(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200); // between polls, within the deadline
        }
    }
}
