package org.eventscheduler.admin.query;

/**
 * What one party gave when answers were gathered under a deadline: its answer, or why there is none.
 *
 * @param <T> the answer
 */
public sealed interface Gathered<T> {

    /** It answered in time. */
    record Answered<T>(T value) implements Gathered<T> {
    }

    /** It did not: it failed, or did not answer before the deadline ({@code problem} says which). */
    record Unavailable<T>(String problem) implements Gathered<T> {
    }
}
