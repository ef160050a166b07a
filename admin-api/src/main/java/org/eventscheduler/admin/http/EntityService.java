package org.eventscheduler.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.eventscheduler.admin.query.CommandWriter;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.HeldQueue;
import org.eventscheduler.admin.security.Caller;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What sources and triggers share: operator pause and resume, and answers of state lookups. */
final class EntityService {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.eventscheduler.admin.audit");

    private final CommandWriter commands;
    private final EntityQuery entities;
    private final int maxBodyBytes;
    private final Clock clock;

    EntityService(CommandWriter commands, EntityQuery entities, int maxBodyBytes, Clock clock) {
        this.commands = commands;
        this.entities = entities;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    /** An accepted command, as answered with 202. */
    record Accepted(String status, ControlCommand command, String correlationId) {
    }

    /**
     * {@code POST .../{id}/pause} (body: {@code reason}, optional {@code until}), {@code .../resume} and
     * {@code .../release} (body: optional {@code reason} and {@code rate}, records a second), {@code .../discard}
     * (body: {@code reason}):
     * written to the control topic, audited.
     */
    void command(ServerRequest request, ServerResponse response, EntityType type, String id, ControlCommand.Action action) {
        Caller caller = Requests.caller(request);
        boolean reasonRequired = action == ControlCommand.Action.PAUSE || action == ControlCommand.Action.DISCARD;
        JsonNode body = request.headers().contentLength().orElse(0) == 0 && !reasonRequired
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : Requests.jsonBody(request, maxBodyBytes);
        JsonNode reasonNode = body.path("reason");
        if (!reasonNode.isMissingNode() && !reasonNode.isTextual()) {
            throw ApiException.badRequest("reason must be a string");
        }
        String reason = reasonNode.asText("");
        if (reasonRequired && reason.isBlank()) {
            throw ApiException.badRequest("reason is required: say why you " + action.code() + " it");
        }
        if (reason.length() > ControlCommand.MAX_TEXT) {
            throw ApiException.badRequest("reason is longer than " + ControlCommand.MAX_TEXT + " characters");
        }
        Optional<Instant> until = Optional.empty();
        JsonNode untilNode = body.path("until");
        if (!untilNode.isMissingNode() && !untilNode.isNull()) {
            if (action != ControlCommand.Action.PAUSE) {
                throw ApiException.badRequest("until applies to pause only");
            }
            if (!untilNode.isTextual()) {
                throw ApiException.badRequest("until must be an ISO-8601 instant string");
            }
            Instant value = Requests.instant("until", untilNode.asText());
            if (!value.isAfter(clock.instant())) {
                throw ApiException.badRequest("until must be in the future, was " + value);
            }
            until = Optional.of(value);
        }
        Optional<Integer> rate = rate(body.path("rate"), action);
        for (var field : (Iterable<String>) body::fieldNames) {
            if (!field.equals("reason") && !field.equals("until") && !field.equals("rate")) {
                throw ApiException.badRequest("unknown field " + field + "; the body takes reason, until (pause) and "
                        + "rate (release)");
            }
        }
        ControlCommand command = new ControlCommand(action, type, id, caller.name(), reason, until, clock.instant(), rate);
        String correlationId = Requests.correlationId(request);
        commands.send(command, correlationId);
        AUDIT.atInfo()
                .addKeyValue("correlation_id", correlationId)
                .addKeyValue("actor", caller.name())
                .addKeyValue("action", action.code())
                .addKeyValue("entity", command.key())
                .addKeyValue("reason", "operator-" + action.code())
                .log("{} {} {}: {}{}{}", caller.name(), action.code(), command.key(), reason,
                        until.map(u -> " until " + u).orElse(""), rate.map(r -> " at " + r + " a second").orElse(""));
        response.status(Status.ACCEPTED_202).send(new Accepted("accepted", command, correlationId));
    }

    /** A release's optional pace: a whole number of records a second, release only. */
    private static Optional<Integer> rate(JsonNode node, ControlCommand.Action action) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (action != ControlCommand.Action.RELEASE) {
            throw ApiException.badRequest("rate applies to release only");
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1
                || node.asInt() > ControlCommand.MAX_RATE) {
            throw ApiException.badRequest("rate must be a whole number of records a second from 1 to "
                    + ControlCommand.MAX_RATE + ", was " + node);
        }
        return Optional.of(node.asInt());
    }

    /**
     * {@code GET .../{id}/held?limit=N}: what the entity holds, its first {@code limit} records (default 20,
     * at most 1,000) from the instance that owns it.
     */
    HeldQueue held(ServerRequest request, EntityType type, String id) {
        int limit = Requests.intQuery(request, "limit", 20, 0, 1000);
        return found(entities.held(type, id, limit), type.code() + " " + id, EntityQuery.Lookup.Found::value);
    }

    /** Answers a lookup: 200 with the state, 404, or 503 while the owner cannot answer. */
    static <V, T> T found(EntityQuery.Lookup<V> lookup, String what,
                          java.util.function.Function<EntityQuery.Lookup.Found<V>, T> answer) {
        return switch (lookup) {
            case EntityQuery.Lookup.Found<V> found -> answer.apply(found);
            case EntityQuery.Lookup.NotFound<V> notFound -> throw ApiException.notFound(what + " is not known: no state "
                    + "(never seen, or forgotten after a quiet hour)");
            case EntityQuery.Lookup.Unavailable<V> unavailable -> throw ApiException.unavailable(unavailable.reason());
        };
    }

    /** Writes a trigger definition, audited in the record's headers (actor, time, correlation id) and in the log. */
    void define(ServerRequest request, TriggerDefinition definition) {
        Caller caller = Requests.caller(request);
        String correlationId = Requests.correlationId(request);
        commands.put(definition, caller.name(), clock.instant(), correlationId);
        audit(caller, "define", "trigger:" + definition.id(), "trigger-defined", correlationId);
    }

    /** Writes the tombstone of a trigger definition, audited like {@link #define}. */
    void undefine(ServerRequest request, String triggerId) {
        Caller caller = Requests.caller(request);
        String correlationId = Requests.correlationId(request);
        commands.delete(triggerId, caller.name(), clock.instant(), correlationId);
        audit(caller, "delete", "trigger:" + triggerId, "trigger-deleted", correlationId);
    }

    /** The audit line of a definition change: who, what, which trigger, and the reason code. */
    private void audit(Caller caller, String action, String entity, String reason, String correlationId) {
        AUDIT.atInfo()
                .addKeyValue("correlation_id", correlationId)
                .addKeyValue("actor", caller.name())
                .addKeyValue("action", action)
                .addKeyValue("entity", entity)
                .addKeyValue("reason", reason)
                .log("{} {} {}", caller.name(), action, entity);
    }
}
