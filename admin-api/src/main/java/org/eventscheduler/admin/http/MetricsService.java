package org.eventscheduler.admin.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the Prometheus scrape of the application's Micrometer registry. */
public final class MetricsService implements HttpService {
    private final PrometheusMeterRegistry registry;

    public MetricsService(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .send(registry.scrape().getBytes(StandardCharsets.UTF_8)));
    }
}
