package org.eventscheduler.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import org.eventscheduler.topology.WireJson;

/** The body of every error answer: the HTTP status and what is wrong. */
public record ApiError(int status, String error) {
    /** This error as JSON bytes. */
    public byte[] json() {
        try {
            return WireJson.MAPPER.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error answer", e);
        }
    }

    /** Sends {@code status} with this body: the one way filters, error handlers and routes answer an error. */
    static void send(ServerResponse response, Status status, String message) {
        response.status(status)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(new ApiError(status.code(), message).json());
    }
}
