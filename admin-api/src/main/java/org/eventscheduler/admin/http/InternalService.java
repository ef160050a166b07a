package org.eventscheduler.admin.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.LocalStatusReader;

/** {@code /internal}: what this instance serves its peers from its local stores (peer token only). */
final class InternalService implements HttpService {
    private final LocalStatusReader status;
    private final EntityQuery entities;

    InternalService(LocalStatusReader status, EntityQuery entities) {
        this.status = status;
        this.entities = entities;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/status", (req, res) -> res.send(status.read(Requests.intQuery(req, "pausedLimit", 100, 0, 10_000))))
                .get("/sources/*", (req, res) -> local(res, "source",
                        Requests.sourceId(Requests.restOfPath(req, "/internal/sources/"))))
                .get("/triggers/{id}", (req, res) -> local(res, "trigger", Requests.triggerId(req)));
    }

    private void local(ServerResponse response, String type, String id) {
        try {
            response.send(entities.local(type, id).orElseThrow(() -> ApiException.notFound(type + " " + id + " has no state here")));
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the " + type + " store is not queryable here now: " + e.getMessage());
        }
    }
}
