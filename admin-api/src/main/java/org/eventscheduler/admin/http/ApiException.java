package org.eventscheduler.admin.http;

import io.helidon.http.Status;

/** A request the API refuses: the status and a message naming the problem, sent as a JSON error. */
public final class ApiException extends RuntimeException {
    private final Status status;

    public ApiException(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(Status.NOT_FOUND_404, message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(Status.SERVICE_UNAVAILABLE_503, message);
    }
}
