package org.eventscheduler.admin.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.topology.control.ControlCommand;
import org.eventscheduler.topology.guard.GuardView;
import org.eventscheduler.topology.pause.EntityType;

/**
 * {@code /admin/sources/{id}}: a source's state and what it holds, from the instance that owns it; pause,
 * resume, release and discard.
 */
final class SourcesService implements HttpService {
    private final EntityQuery entities;
    private final EntityService shared;

    SourcesService(EntityQuery entities, EntityService shared) {
        this.entities = entities;
        this.shared = shared;
    }

    /** A source's state, and which instance answered. */
    record SourceState(String id, GuardView state, String servedBy) {
    }

    /**
     * Source ids are CloudEvents sources, URI references that often contain '/': the rest of the path is
     * the id ({@code GET /admin/sources/cloudevents/spec}), and a trailing {@code /pause} or
     * {@code /resume} on a POST names the action.
     */
    @Override
    public void routing(HttpRules rules) {
        rules.get("/*", this::get)
                .post("/*", this::command);
    }

    private static String rest(ServerRequest request) {
        return Requests.restOfPath(request, PREFIX);
    }

    private static final String PREFIX = "/admin/sources/";
    private static final String HELD = "/held";

    private void command(ServerRequest request, ServerResponse response) {
        String rest = rest(request);
        for (ControlCommand.Action action : ControlCommand.Action.values()) {
            String suffix = "/" + action.code();
            if (rest.endsWith(suffix)) {
                shared.command(request, response, EntityType.SOURCE,
                        Requests.sourceId(rest.substring(0, rest.length() - suffix.length())), action);
                return;
            }
        }
        throw ApiException.notFound("no such resource: POST " + PREFIX + rest
                + "; use .../pause, .../resume, .../release or .../discard");
    }

    /**
     * {@code GET /admin/sources/{id}} and {@code GET /admin/sources/{id}/held}. A source whose own id ends
     * in {@code /held} is read with its last {@code /} percent-encoded ({@code %2Fheld}).
     */
    private void get(ServerRequest request, ServerResponse response) {
        String raw = request.path().absolute().rawPath();
        if (raw.endsWith(HELD)) {
            String rest = rest(request);
            response.send(shared.held(request, EntityType.SOURCE,
                    Requests.sourceId(rest.substring(0, rest.length() - HELD.length()))));
            return;
        }
        String id = Requests.sourceId(rest(request));
        SourceState state = EntityService.found(entities.source(id), "source " + id,
                found -> new SourceState(id, found.value(), found.servedBy()));
        response.send(state);
    }
}
