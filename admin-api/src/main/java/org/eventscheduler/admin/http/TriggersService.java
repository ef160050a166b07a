package org.eventscheduler.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.TriggerCatalog;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.pause.EntityType;
import org.eventscheduler.topology.trigger.InvalidTriggerException;
import org.eventscheduler.topology.trigger.TriggerDefinition;
import org.eventscheduler.topology.trigger.TriggerDefinitions;

/**
 * {@code /admin/triggers}: the definitions (from the global store every instance holds), one trigger's
 * definition and state (from the instance that owns it), validated writes and deletes of definitions,
 * and operator pause and resume.
 */
final class TriggersService implements HttpService {
    private final TriggerCatalog catalog;
    private final EntityQuery entities;
    private final EntityService shared;
    private final int maxBodyBytes;

    TriggersService(TriggerCatalog catalog, EntityQuery entities, EntityService shared, int maxBodyBytes) {
        this.catalog = catalog;
        this.entities = entities;
        this.shared = shared;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * A trigger in a list: its definition, and whether it is valid.
     *
     * @param status  valid (matching), disabled, or rejected (matches nothing; see {@code problem})
     */
    record TriggerSummary(String id, String status, Optional<JsonNode> definition, Optional<String> problem) {
    }

    /** One trigger: its definition and validity, and its state where it has one. */
    record TriggerDetail(String id, String status, Optional<JsonNode> definition, Optional<String> problem,
                         Optional<GuardView> state, Optional<String> servedBy, Optional<String> stateProblem) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}", this::get)
                // what a deleted trigger still holds can still be read
                .get("/{id}/held", (req, res) -> res.send(shared.held(req, EntityType.TRIGGER, Requests.triggerId(req))))
                .put("/{id}", this::put)
                .delete("/{id}", this::delete)
                .post("/{id}/pause", (req, res) -> shared.command(req, res, EntityType.TRIGGER, definedTriggerId(req),
                        ControlCommand.Action.PAUSE))
                // a trigger deleted while paused keeps its state: a resume must still reach it
                .post("/{id}/resume", (req, res) -> shared.command(req, res, EntityType.TRIGGER, Requests.triggerId(req),
                        ControlCommand.Action.RESUME))
                // likewise what a deleted trigger still holds
                .post("/{id}/release", (req, res) -> shared.command(req, res, EntityType.TRIGGER,
                        Requests.triggerId(req), ControlCommand.Action.RELEASE))
                .post("/{id}/discard", (req, res) -> shared.command(req, res, EntityType.TRIGGER,
                        Requests.triggerId(req), ControlCommand.Action.DISCARD));
    }

    /**
     * The path's trigger id, when the trigger is defined (valid or not): pausing a trigger that does not
     * exist is a 404, not a pause of nothing. (Sources have no catalog: a source may be paused before its
     * first event.)
     */
    private String definedTriggerId(ServerRequest request) {
        String id = Requests.triggerId(request);
        if (catalog.get(id).isEmpty()) {
            throw ApiException.notFound("trigger " + id + " is not defined");
        }
        return id;
    }

    private static TriggerSummary summary(TriggerCatalog.Entry entry) {
        String status = entry.problem().isPresent() ? "rejected"
                : entry.compiled().map(t -> t.enabled() ? "valid" : "disabled").orElse("rejected");
        return new TriggerSummary(entry.id(), status, entry.definition().map(TriggerDefinitions::toTree), entry.problem());
    }

    private void list(ServerRequest request, ServerResponse response) {
        List<TriggerSummary> triggers = catalog.all().stream().map(TriggersService::summary).toList();
        response.send(triggers);
    }

    private void get(ServerRequest request, ServerResponse response) {
        String id = Requests.triggerId(request);
        TriggerCatalog.Entry entry = catalog.get(id).orElseThrow(() -> ApiException.notFound("trigger " + id + " is not defined"));
        TriggerSummary summary = summary(entry);
        EntityQuery.Lookup<GuardView> lookup = entities.trigger(id);
        Optional<GuardView> state = Optional.empty();
        Optional<String> servedBy = Optional.empty();
        Optional<String> stateProblem = Optional.empty();
        switch (lookup) {
            case EntityQuery.Lookup.Found<GuardView> found -> {
                state = Optional.of(found.value());
                servedBy = Optional.of(found.servedBy());
            }
            case EntityQuery.Lookup.NotFound<GuardView> notFound -> stateProblem = Optional.of("no state yet: no match so far");
            case EntityQuery.Lookup.Unavailable<GuardView> unavailable -> stateProblem = Optional.of(unavailable.reason());
        }
        response.send(new TriggerDetail(id, summary.status(), summary.definition(), summary.problem(), state, servedBy,
                stateProblem));
    }

    private void put(ServerRequest request, ServerResponse response) {
        String id = Requests.triggerId(request);
        JsonNode body = Requests.jsonBody(request, maxBodyBytes);
        JsonNode bodyId = body.get("id");
        if (bodyId == null) {
            ((ObjectNode) body).set("id", TextNode.valueOf(id));
        } else if (!bodyId.isTextual() || !bodyId.asText().equals(id)) {
            throw ApiException.badRequest("trigger " + id + ": id: must equal the id in the path");
        }
        TriggerDefinition definition;
        try {
            definition = TriggerDefinitions.read(body);
            TriggerDefinitions.compile(definition, catalog.defaults());
        } catch (InvalidTriggerException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        shared.define(request, definition);
        response.status(Status.OK_200).send(TriggerDefinitions.toTree(definition));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        String id = Requests.triggerId(request);
        if (catalog.get(id).isEmpty()) {
            throw ApiException.notFound("trigger " + id + " is not defined");
        }
        shared.undefine(request, id);
        response.status(Status.ACCEPTED_202).send(new ApiError(202, "trigger " + id + " deleted"));
    }
}
