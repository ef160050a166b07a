package org.eventscheduler.admin;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;
import org.eventscheduler.admin.http.MetricsService;
import org.eventscheduler.admin.query.MirrorReport;
import org.eventscheduler.topology.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a mirror running alone ({@code ./scheduler mirror}): {@code GET /metrics}, {@code GET
 * /mirror/status} (its {@link MirrorReport}), and liveness/readiness under {@code /observe/health}.
 * The cluster's view of the mirror (its lag from the group offsets) stays on the application's
 * {@code GET /admin/event-health}.
 */
public final class MirrorServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorServer.class);
    private final WebServer server;

    private MirrorServer(WebServer server) {
        this.server = server;
    }

    public static MirrorServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<MirrorReport> mirror) {
        ObserveFeature observe = ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .useSystemServices(false)
                        .addCheck(() -> HealthCheckResponse.builder()
                                .status(!mirror.get().state().equals("stopped"))
                                .detail("state", mirror.get().state()).build(), HealthCheckType.LIVENESS, "mirror")
                        .addCheck(() -> HealthCheckResponse.builder()
                                .status(mirror.get().state().equals("running"))
                                .detail("state", mirror.get().state()).build(), HealthCheckType.READINESS, "mirror")
                        .build())
                .build();
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .mediaContext(media -> media.addMediaSupport(JacksonSupport.create(WireJson.MAPPER)))
                .addFeature(observe)
                .routing(routing -> routing
                        .register("/metrics", new MetricsService(registry))
                        .get("/mirror/status", (req, res) -> res.send(mirror.get())))
                .build()
                .start();
        LOG.info("mirror status and metrics on {}:{}", host, server.port());
        return new MirrorServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
