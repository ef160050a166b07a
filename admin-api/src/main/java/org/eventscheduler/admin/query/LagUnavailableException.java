package org.eventscheduler.admin.query;

/** The cluster did not tell a consumer group's lag in time, or refused to. */
public final class LagUnavailableException extends RuntimeException {
    public LagUnavailableException(String message) {
        super(message);
    }

    public LagUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
