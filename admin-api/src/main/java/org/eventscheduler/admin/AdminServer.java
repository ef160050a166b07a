package org.eventscheduler.admin;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.media.jackson.JacksonSupport;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import org.apache.kafka.streams.KafkaStreams;
import org.eventscheduler.admin.http.AdminApi;
import org.eventscheduler.admin.http.AdminRouting;
import org.eventscheduler.topology.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Helidon SE admin server: the admin routes, and liveness and readiness mapped from the Kafka
 * Streams state through Helidon's observe feature ({@code /observe/health/live}, {@code /observe/health/ready}).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private final WebServer server;

    private AdminServer(WebServer server) {
        this.server = server;
    }

    public static AdminServer start(AdminApi api) {
        ObserveFeature observe = ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .useSystemServices(false)
                        .addCheck(() -> liveness(api.streams().state()), HealthCheckType.LIVENESS, "kafka-streams")
                        .addCheck(() -> readiness(api.streams().state()), HealthCheckType.READINESS, "kafka-streams")
                        .build())
                .build();
        WebServerConfig.Builder builder = WebServer.builder()
                .host(api.settings().host())
                .port(api.settings().port())
                .mediaContext(media -> media.addMediaSupport(JacksonSupport.create(WireJson.MAPPER)))
                .addFeature(observe)
                .directHandlers(AdminRouting.directHandlers())
                .routing(routing -> AdminRouting.routing(routing, api));
        AdminTlsSettings tls = api.settings().tls();
        if (tls.enabled()) {
            builder.tls(tls.serverTls());
        }
        WebServer server = builder.build().start();
        LOG.info("admin API listening on {}://{}:{}{}", tls.scheme(), api.settings().host(), server.port(),
                tls.peersPresentCertificates() ? " (peers present client certificates)" : "");
        return new AdminServer(server);
    }

    static HealthCheckResponse liveness(KafkaStreams.State state) {
        return HealthCheckResponse.builder()
                .status(state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING)
                .detail("state", state.name())
                .build();
    }

    static HealthCheckResponse readiness(KafkaStreams.State state) {
        return HealthCheckResponse.builder()
                .status(state == KafkaStreams.State.RUNNING)
                .detail("state", state.name())
                .build();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
