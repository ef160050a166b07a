package org.eventscheduler.app.kafka;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eventscheduler.admin.query.IngressLagReader;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.mirror.MirrorMetrics;
import org.eventscheduler.mirror.MirrorStatus;
import org.eventscheduler.mirror.PauseMirror;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * One instance of the application as {@code run} and {@code demo} start it: the Kafka Streams runner
 * and, when enabled, the admin server, with one Prometheus registry for both.
 */
public final class SchedulerInstance implements AutoCloseable {
    /** How long a closing instance's mirror may take to write what is left. */
    static final Duration MIRROR_DRAIN = Duration.ofSeconds(15);
    private final SchedulerConfig config;
    private final SchedulerMetrics metrics;
    private final SchedulerRunner runner;
    private final MirrorMetrics mirrorMetrics;
    private AdminWiring admin;
    private IngressLagReader lag;
    private MetricsMonitor monitor;
    private Optional<MirrorWiring> mirror = Optional.empty();

    private SchedulerInstance(SchedulerConfig config) {
        this.config = config;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        org.eventscheduler.topology.metrics.PrometheusNaming.applyTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
        this.metrics = new SchedulerMetrics(registry, config.metrics().topK());
        this.runner = new SchedulerRunner(config, metrics);
        this.mirrorMetrics = new MirrorMetrics(registry, this::mirrorStatus);
    }

    /**
     * Starts Kafka Streams, then the admin server; the admin port (0: a free one) is fixed first, as
     * Kafka Streams advertises it. On a failure, what was started is closed again.
     */
    public static SchedulerInstance start(SchedulerConfig config, boolean resetLocalState) {
        return start(config, resetLocalState, PauseMirror.AfterDatabaseCommit.NOTHING);
    }

    /**
     * As {@link #start(SchedulerConfig, boolean)}; the mirror (when it runs in this process) calls
     * {@code afterDatabaseCommit} between its database commit and its offset commit.
     */
    public static SchedulerInstance start(SchedulerConfig config, boolean resetLocalState,
                                          PauseMirror.AfterDatabaseCommit afterDatabaseCommit) {
        SchedulerConfig resolved = config;
        if (config.admin().enabled()) {
            int port = Ports.resolve(config.admin().port());
            resolved = config.withAdmin(AdminWiring.withPeerToken(config.admin().withPort(port)));
        }
        SchedulerInstance instance = new SchedulerInstance(resolved);
        try {
            instance.runner.start(resetLocalState);
            new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(instance.runner.streams())
                    .bindTo(instance.metrics.registry());
            // one lag reader for the metrics and the health: one consumer and one admin client, one cache
            instance.lag = new IngressLagReader(KafkaClients.properties(resolved, KafkaClients.Role.LAG_READER),
                    resolved.kafka().applicationId(), resolved.topics().ingress(), Clock.systemUTC(), Duration.ofSeconds(1));
            instance.monitor = new MetricsMonitor(resolved, instance.runner.streams(), instance.lag,
                    instance.metrics.registry()).start(resolved.metrics().refreshInterval());
            if (resolved.mirror().enabled() && resolved.mirror().inProcess()) {
                instance.mirror = Optional.of(MirrorWiring.start(resolved, instance.mirrorMetrics, afterDatabaseCommit));
            }
            if (resolved.admin().enabled()) {
                instance.admin = AdminWiring.start(resolved, instance.runner, instance.metrics,
                        (PrometheusMeterRegistry) instance.metrics.registry(), instance.lag,
                        () -> MirrorWiring.report(instance.mirrorStatus()));
            }
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        return instance;
    }

    public SchedulerConfig config() {
        return config;
    }

    public SchedulerMetrics metrics() {
        return metrics;
    }

    public SchedulerRunner runner() {
        return runner;
    }

    /** The admin server's port; -1 when it is disabled. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** The admin API's objects, for in-memory routing; empty when it is disabled. */
    public java.util.Optional<org.eventscheduler.admin.http.AdminApi> adminApi() {
        return admin == null ? java.util.Optional.empty() : java.util.Optional.of(admin.api());
    }

    /** Stops the admin server only (Kafka Streams goes on): what a peer sees of an instance whose API hangs or died. */
    public void stopAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    /** The mirror as this process runs it; {@code off} when it does not. */
    public MirrorStatus mirrorStatus() {
        return mirror.map(MirrorWiring::status).orElseGet(MirrorStatus::off);
    }

    /** Stops the mirror only (Kafka Streams goes on): what a crash of the mirror looks like to the others. */
    public void stopMirror() {
        mirror.ifPresent(MirrorWiring::close);
        mirror = Optional.empty();
    }

    /**
     * Stops the instance in the order that loses nothing: the admin server, the gauges, Kafka Streams (its
     * last transaction committed), then the mirror once it has written what Kafka Streams wrote (at most
     * {@link #MIRROR_DRAIN}).
     */
    @Override
    public void close() {
        stopAdmin();
        if (monitor != null) {
            monitor.close();
        }
        if (lag != null) {
            lag.close();
        }
        runner.close();
        mirror.ifPresent(wiring -> wiring.drainAndClose(MIRROR_DRAIN));
        mirror = Optional.empty();
    }
}
