package org.eventscheduler.admin.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.eventscheduler.admin.query.HealthQuery;
import org.eventscheduler.admin.query.HealthSnapshot;
import org.eventscheduler.admin.query.HealthStatus;

/**
 * {@code GET /admin/event-health} (200 for OK and DEGRADED, 503 for CRITICAL), {@code GET /admin/paused} and
 * {@code GET /admin/held}.
 */
final class HealthService implements HttpService {
    private final HealthQuery health;

    HealthService(HealthQuery health) {
        this.health = health;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/event-health", this::eventHealth)
                .get("/paused", this::paused)
                .get("/held", (req, res) -> res.send(health.held(Requests.intQuery(req, "limit", 100, 1, 1000))));
    }

    private void eventHealth(ServerRequest request, ServerResponse response) {
        HealthSnapshot snapshot = health.snapshot();
        response.status(snapshot.status() == HealthStatus.CRITICAL ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200)
                .send(snapshot);
    }

    private void paused(ServerRequest request, ServerResponse response) {
        response.send(health.paused(Requests.intQuery(request, "limit", 100, 1, 1000)));
    }
}
