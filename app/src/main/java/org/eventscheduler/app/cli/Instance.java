package org.eventscheduler.app.cli;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eventscheduler.app.config.SchedulerConfig;
import org.eventscheduler.app.embedded.EmbeddedKafkaBroker;
import org.eventscheduler.app.kafka.AdminWiring;
import org.eventscheduler.app.kafka.SchedulerRunner;
import org.eventscheduler.topology.metrics.SchedulerMetrics;

/**
 * One instance of the application as {@code run} and {@code demo} start it: the Kafka Streams runner
 * and, when enabled, the admin server, with one Prometheus registry for both.
 */
final class Instance implements AutoCloseable {
    final SchedulerConfig config;
    final SchedulerMetrics metrics;
    final SchedulerRunner runner;
    private AdminWiring admin;

    private Instance(SchedulerConfig config) {
        this.config = config;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.metrics = new SchedulerMetrics(registry);
        this.runner = new SchedulerRunner(config, metrics);
    }

    /** Starts Kafka Streams, then the admin server; the admin port (0: a free one) is fixed first, as Kafka Streams advertises it. */
    static Instance start(SchedulerConfig config, boolean resetLocalState, Resources resources) {
        SchedulerConfig resolved = config;
        if (config.admin().enabled()) {
            int port = config.admin().port() == 0 ? EmbeddedKafkaBroker.freePort()
                    : EmbeddedKafkaBroker.requireFree(config.admin().port());
            resolved = config.withAdmin(AdminWiring.withPeerToken(config.admin().withPort(port)));
        }
        Instance instance = resources.add(new Instance(resolved));
        instance.runner.start(resetLocalState);
        if (resolved.admin().enabled()) {
            instance.admin = resources.add(AdminWiring.start(resolved, instance.runner, instance.metrics,
                    (PrometheusMeterRegistry) instance.metrics.registry()));
        }
        return instance;
    }

    int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    @Override
    public void close() {
        runner.close();
    }
}
