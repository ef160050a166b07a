package org.eventscheduler.app.kafka;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.eventscheduler.admin.AdminServer;
import org.eventscheduler.admin.AdminSettings;
import org.eventscheduler.admin.http.AdminApi;
import org.eventscheduler.admin.query.CommandWriter;
import org.eventscheduler.admin.query.DlqReader;
import org.eventscheduler.admin.query.EntityPolicies;
import org.eventscheduler.admin.query.EntityQuery;
import org.eventscheduler.admin.query.HealthQuery;
import org.eventscheduler.admin.query.IngressLagReader;
import org.eventscheduler.admin.query.LocalStatusReader;
import org.eventscheduler.admin.query.HealthMonitor;
import org.eventscheduler.admin.query.MirrorLagReader;
import org.eventscheduler.admin.query.MirrorReport;
import org.eventscheduler.admin.query.PeerClient;
import org.eventscheduler.admin.query.StreamsAccess;
import org.eventscheduler.admin.query.TriggerCatalog;
import org.eventscheduler.admin.security.AdminTokens;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.topology.metrics.SchedulerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the admin API from the configuration and a running {@link SchedulerRunner}, and starts the
 * Helidon server; closes it all in the reverse order.
 */
public final class AdminWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminWiring.class);

    private final AdminServer server;
    private final AdminApi api;
    private final HealthQuery health;
    private final HealthMonitor healthMonitor;
    private final Optional<MirrorLagReader> mirrorLag;
    private final DlqReader dlq;
    private final CommandWriter commands;

    private AdminWiring(AdminServer server, AdminApi api, HealthQuery health, HealthMonitor healthMonitor,
                        Optional<MirrorLagReader> mirrorLag, DlqReader dlq, CommandWriter commands) {
        this.server = server;
        this.api = api;
        this.health = health;
        this.healthMonitor = healthMonitor;
        this.mirrorLag = mirrorLag;
        this.dlq = dlq;
        this.commands = commands;
    }

    /** The host name peers reach this instance at: {@code admin.advertised-host}, else this host's name. */
    public static String advertisedHost(AdminSettings admin) {
        if (!admin.advertisedHost().isEmpty()) {
            return admin.advertisedHost();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The settings with a peer token: the configured one, or a generated one (one instance only). */
    public static AdminSettings withPeerToken(AdminSettings admin) {
        if (!admin.peerToken().isEmpty()) {
            return admin;
        }
        LOG.warn("admin.peer-token is not set: generated one for this process; instances of one deployment "
                + "need the same peer token to answer each other's queries");
        return admin.withTokens(admin.tokens(), AdminTokens.generate());
    }

    /**
     * @param lag    the instance's lag reader, shared with the metrics; its owner closes it
     * @param mirror what the mirror in this process reports ({@code off} when it does not run here)
     */
    public static AdminWiring start(SchedulerConfig config, SchedulerRunner runner, SchedulerMetrics metrics,
                                    PrometheusMeterRegistry registry, IngressLagReader lag,
                                    Supplier<MirrorReport> mirror) {
        AdminSettings admin = config.admin();
        Clock clock = Clock.systemUTC();
        StreamsAccess streams = StreamsAccess.of(runner.streams(), new HostInfo(advertisedHost(admin), admin.port()));
        TriggerCatalog catalog = new TriggerCatalog(streams, config.triggers().defaults());
        EntityPolicies policies = new EntityPolicies(config.rateWindow(), config.sources(), catalog);
        PeerClient peers = new PeerClient(admin.peerToken(), admin.peerTimeout(),
                admin.tls().enabled() ? Optional.of(admin.tls().peerSslContext()) : Optional.empty());
        LocalStatusReader local = new LocalStatusReader(streams, metrics, policies, config.instanceId(), mirror, clock);
        Optional<MirrorLagReader> mirrorLag = config.mirror().enabled()
                ? Optional.of(new MirrorLagReader(KafkaClients.properties(config, KafkaClients.Role.MIRROR_LAG_READER),
                MirrorWiring.groupId(config), config.mirror().dlqSummaries()
                ? List.of(config.topics().paused(), config.topics().dlq()) : List.of(config.topics().paused()),
                clock, Duration.ofSeconds(1)))
                : Optional.empty();
        HealthQuery health = new HealthQuery(streams, local, peers, lag, mirrorLag, admin.health(), clock);
        DlqReader dlq = new DlqReader(KafkaClients.properties(config, KafkaClients.Role.DLQ_READER),
                config.topics().dlq(), admin.dlqPreviewBytes(), admin.dlqMaxScan());
        CommandWriter commands = new CommandWriter(KafkaClients.properties(config, KafkaClients.Role.COMMAND_WRITER),
                config.topics().control(), config.topics().triggers(), Duration.ofSeconds(10));
        AdminApi api = new AdminApi(admin, new AdminTokens(admin.tokens(), admin.peerToken()), streams, health, local,
                new EntityQuery(streams, policies, peers, admin.dlqPreviewBytes(), clock), catalog, dlq, commands, registry, clock);
        AdminServer server = AdminServer.start(api);
        HealthMonitor healthMonitor = new HealthMonitor(health, registry).start(config.metrics().refreshInterval());
        return new AdminWiring(server, api, health, healthMonitor, mirrorLag, dlq, commands);
    }

    public AdminApi api() {
        return api;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        healthMonitor.close();
        server.close();
        health.close();
        mirrorLag.ifPresent(MirrorLagReader::close);
        dlq.close();
        commands.close();
    }
}
