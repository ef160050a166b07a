package org.eventscheduler.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import org.eventscheduler.admin.security.Caller;
import org.eventscheduler.topology.SchedulerHeaders;
import org.eventscheduler.topology.WireJson;
import org.eventscheduler.topology.trigger.TriggerDefinitions;

/** Reading and validating what a request carries; every problem is an {@link ApiException} naming it. */
final class Requests {
    static final int MAX_ID_LENGTH = 512;

    private Requests() {
    }

    /**
     * What follows {@code prefix} in the request's raw path, percent-decoded once: a source id is the rest
     * of the path, '/' and all ({@link org.eventscheduler.admin.query.PathSegments}), read from the raw path
     * because the decoded one has its "//" folded.
     */
    static String restOfPath(ServerRequest request, String prefix) {
        String raw = request.path().absolute().rawPath();
        int at = raw.indexOf(prefix);
        String rest = at < 0 ? "" : raw.substring(at + prefix.length());
        return RequestGuard.decode(rest).orElseThrow(() -> ApiException.badRequest("the path is not valid percent-encoded UTF-8"));
    }

    /** A source id: 1 to 512 characters, no control characters. */
    static String sourceId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("source id must be 1 to " + MAX_ID_LENGTH
                    + " characters without control characters");
        }
        return id;
    }

    /** A trigger id from the path: 1 to 128 letters, digits, '.', '_' or '-'. */
    static String triggerId(ServerRequest request) {
        String id = request.path().pathParameters().first("id").orElse("");
        if (!id.matches(TriggerDefinitions.ID_PATTERN)) {
            throw ApiException.badRequest("trigger id must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    /** The request body as JSON, refusing more than {@code maxBytes} (413) and what is not JSON (400). */
    static JsonNode jsonBody(ServerRequest request, int maxBytes) {
        byte[] body;
        try (InputStream in = request.content().inputStream()) {
            body = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
        if (body.length > maxBytes) {
            throw new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "the body is larger than " + maxBytes + " bytes");
        }
        if (body.length == 0) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            JsonNode node = WireJson.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
        }
    }

    static int intQuery(ServerRequest request, String name, int fallback, int min, int max) {
        Optional<String> value = request.query().first(name).asOptional();
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", was " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a number, was " + value.get());
        }
    }

    static Optional<Instant> instantQuery(ServerRequest request, String name) {
        return request.query().first(name).asOptional().map(value -> instant(name, value));
    }

    static Optional<String> textQuery(ServerRequest request, String name) {
        Optional<String> value = request.query().first(name).asOptional().filter(v -> !v.isEmpty());
        value.ifPresent(v -> {
            if (v.length() > MAX_ID_LENGTH) {
                throw ApiException.badRequest(name + " is longer than " + MAX_ID_LENGTH + " characters");
            }
        });
        return value;
    }

    static Instant instant(String field, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an ISO-8601 instant such as 2026-11-28T12:00:00Z, was " + value);
        }
    }

    static Caller caller(ServerRequest request) {
        return request.context().get(Caller.class)
                .orElseThrow(() -> new IllegalStateException("the access filter did not identify the caller"));
    }

    /** The request's correlation id ({@code x-correlation-id}), or a new one. */
    static String correlationId(ServerRequest request) {
        return request.headers().first(HeaderNames.create(SchedulerHeaders.CORRELATION_ID))
                .filter(id -> !id.isBlank() && id.length() <= MAX_ID_LENGTH)
                .orElseGet(() -> "admin-" + UUID.randomUUID());
    }
}
