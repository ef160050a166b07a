package org.eventscheduler.admin.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.HeldQueue;
import org.eventscheduler.admin.query.LocalStatusReader;
import org.eventscheduler.topology.pause.EntityType;

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
                .get("/sources/*", (req, res) -> local(res, EntityType.SOURCE,
                        Requests.sourceId(Requests.restOfPath(req, "/internal/sources/"))))
                .get("/triggers/{id}", (req, res) -> local(res, EntityType.TRIGGER, Requests.triggerId(req)))
                .get("/held/sources/*", (req, res) -> res.send(localHeld(req, EntityType.SOURCE,
                        Requests.sourceId(Requests.restOfPath(req, "/internal/held/sources/")))))
                .get("/held/triggers/{id}", (req, res) -> res.send(localHeld(req, EntityType.TRIGGER,
                        Requests.triggerId(req))));
    }

    private void local(ServerResponse response, EntityType type, String id) {
        try {
            response.send(entities.local(type, id).orElseThrow(() -> ApiException.notFound(type.code() + " " + id
                    + " has no state here")));
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the " + type.code() + " store is not queryable here now: " + e.getMessage());
        }
    }

    private HeldQueue localHeld(ServerRequest request, EntityType type, String id) {
        try {
            return entities.localHeld(type, id, Requests.intQuery(request, "limit", 20, 0, 1000))
                    .orElseThrow(() -> ApiException.notFound(type.code() + " " + id + " has no state here"));
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the " + type.code() + " stores are not queryable here now: " + e.getMessage());
        }
    }
}
