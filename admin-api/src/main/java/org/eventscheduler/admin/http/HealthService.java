package org.eventscheduler.admin.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.admin.query.HealthQuery;
import org.eventscheduler.admin.query.HealthSnapshot;
import org.eventscheduler.admin.query.HealthStatus;
import org.eventscheduler.admin.query.LocalStatus;
import org.eventscheduler.admin.query.PausedEntity;

/** {@code GET /admin/event-health} (200 for OK and DEGRADED, 503 for CRITICAL) and {@code GET /admin/paused}. */
final class HealthService implements HttpService {
    private final HealthQuery health;

    HealthService(HealthQuery health) {
        this.health = health;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/event-health", this::eventHealth)
                .get("/paused", this::paused);
    }

    private void eventHealth(ServerRequest request, ServerResponse response) {
        HealthSnapshot snapshot = health.snapshot();
        response.status(snapshot.status() == HealthStatus.CRITICAL ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200)
                .send(snapshot);
    }

    /**
     * The paused sources and triggers of the whole cluster.
     *
     * @param total    paused entities held by the instances that answered
     * @param complete whether every instance answered with its paused entities
     */
    record PausedList(long total, List<PausedEntity> entities, boolean truncated, boolean complete, List<String> missing) {
    }

    private void paused(ServerRequest request, ServerResponse response) {
        int limit = Requests.intQuery(request, "limit", 100, 1, 1000);
        List<String> missing = new ArrayList<>();
        Map<HostInfo, CompletableFuture<Optional<LocalStatus>>> answers = health.askInstances(limit, missing);
        Map<String, PausedEntity> entities = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<HostInfo, CompletableFuture<Optional<LocalStatus>>> answer : answers.entrySet()) {
            try {
                Optional<LocalStatus> status = answer.getValue().get(health.timeoutMillis(), TimeUnit.MILLISECONDS);
                if (status.isPresent()) {
                    status.get().pausedUnreadable().ifPresent(reason -> missing.add("instance "
                            + status.get().endpoint() + ": paused entities not read: " + reason));
                    total += status.get().pausedTotal();
                    status.get().paused().forEach(entity -> entities.putIfAbsent(entity.key(), entity));
                }
            } catch (Exception e) {
                answer.getValue().cancel(true);
                missing.add("instance " + answer.getKey().host() + ":" + answer.getKey().port() + ": " + e);
            }
        }
        List<PausedEntity> list = entities.values().stream().limit(limit).toList();
        response.send(new PausedList(total, list, total > list.size(), missing.isEmpty(), missing));
    }
}
